package cn.netreport.check;

import cn.netreport.events.CaseFeedback;
import cn.netreport.events.FeedbackAction;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * What a department's Java team would write against the models generated from
 * deploy/asyncapi-3.0.yaml (asyncapi generate models java --javaJackson), and nothing else.
 *
 *   decode   stdin: one "MessageName TAB json" per line; stdout: the same line re-encoded
 *            by the generated model, or "MessageName TAB ERROR reason" (exit 1 at the end).
 *   handled  CASE_ID DEPARTMENT DISPATCH_NO RESULT HANDLER KEY: a `handled` CaseFeedback built
 *            with the generated model and signed with the department's KEY (the signature
 *            field's description in the AsyncAPI document), as JSON on stdout.
 */
public final class ContractCheck {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    public static void main(String[] args) throws Exception {
        if (args.length == 7 && args[0].equals("handled")) {
            System.out.println(handled(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], args[6]));
        } else if (args.length == 1 && args[0].equals("decode")) {
            System.exit(decode());
        } else {
            System.err.println("usage: decode | handled CASE_ID DEPARTMENT DISPATCH_NO RESULT HANDLER KEY");
            System.exit(2);
        }
    }

    static String handled(String caseId, String department, int dispatchNo, String result, String handler,
                          String signingKey) throws Exception {
        CaseFeedback answer = new CaseFeedback();
        answer.setSchemaVersion(1);
        // Stable per (case, round, action): a client that restarts and answers again sends the same id.
        String key = caseId + ":" + dispatchNo + ":handled:" + department;
        answer.setEventId(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""));
        answer.setOccurredAt(OffsetDateTime.now(ZoneOffset.UTC));
        answer.setCaseId(caseId);
        answer.setDepartmentCode(department);
        answer.setAction(FeedbackAction.HANDLED);
        answer.setResult(result);
        answer.setHandlerName(handler);
        answer.setDispatchNo(dispatchNo);
        String signed = String.join("\n", answer.getEventId(), caseId, department, "handled",
                Integer.toString(dispatchNo), result, handler);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        answer.setSignature(java.util.HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8))));
        return JSON.writeValueAsString(answer);
    }

    static int decode() throws Exception {
        int failures = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.split("\t", 2);
            try {
                Class<?> model = Class.forName("cn.netreport.events." + parts[0]);
                Object decoded = JSON.readValue(parts[1], model);
                System.out.println(parts[0] + "\t" + JSON.writeValueAsString(decoded));
            } catch (Exception e) {
                failures++;
                System.out.println(parts[0] + "\tERROR " + e.toString().replace('\n', ' '));
            }
        }
        System.out.flush();
        return failures == 0 ? 0 : 1;
    }
}
