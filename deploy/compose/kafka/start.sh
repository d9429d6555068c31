#!/bin/sh
# Starts one broker of the compose stack: renders its properties with its node id and the
# admin's password (a compose secret, never in the repository), formats its storage on the
# first start with the admin's SCRAM credentials, then runs the broker in the foreground.
set -eu
password=$(cat /run/secrets/kafka_admin_password)
sed -e "s/@NODE_ID@/${NODE_ID}/g" -e "s/@ADMIN_PASSWORD@/${password}/g" \
  /etc/netreport/kafka/server.properties > /tmp/server.properties
# The same principal for the healthcheck's own client (Kafka's own tool: nothing else needed in the image).
cat > /tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${password}";
PROPS
chmod 600 /tmp/server.properties /tmp/admin.properties
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  /opt/kafka/bin/kafka-storage.sh format -t "${CLUSTER_ID}" -c /tmp/server.properties \
    --add-scram "SCRAM-SHA-512=[name=admin,password=${password}]"
fi
exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties
