"""Clients generated from the published contract, as a department's team would make them:
the official AsyncAPI generator (`asyncapi generate models`, pinned in tools/contracts/),
compiled with javac and go, and driven through the small programs beside this file.

Every external step is bounded in time and fails with what it printed; a missing tool fails
and names the make target that installs it (never a skip).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TOOLS = ROOT / "tools" / "contracts"
INSTALL = "run `make contract-tools` (it installs the pinned npm tools and the Java models' jars)"
JAVA_PACKAGE = "cn.netreport.events"
# The npm tools must not phone home: no usage metrics, no update checks (nothing but the
# package registries is reachable here, and a test must not depend on the network anyway).
QUIET_NODE = {"ASYNCAPI_METRICS_CONFIG_PATH": str(TOOLS / "asyncapi-analytics.json"), "REDOCLY_TELEMETRY": "off",
              "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1", "FORCE_COLOR": "0"}


def run(cmd: list[str], *, what: str, timeout: float, cwd: Path | None = None, stdin: str | None = None,
        env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout,
                                env=os.environ | QUIET_NODE | (env or {}))
    except subprocess.TimeoutExpired as e:
        raise pytest.fail.Exception(f"{what}: no answer within {timeout:.0f} s ({' '.join(cmd[:4])} ...)\n"
                                    f"{(e.stderr or b'')[-2000:]!r}", pytrace=False) from None
    except FileNotFoundError:
        raise pytest.fail.Exception(f"{what}: {cmd[0]} not found; {INSTALL}", pytrace=False) from None
    if check and result.returncode != 0:
        raise pytest.fail.Exception(f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n"
                                    f"{result.stderr[-3000:]}", pytrace=False)
    return result


def npm_tool(name: str) -> str:
    path = TOOLS / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: {INSTALL}", pytrace=False)
    return str(path)


def system_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not on PATH: the contract tests compile the generated models with it "
                    "(javac from a JDK 17, go from the Go toolchain)", pytrace=False)
    return found


def generate(language: str, document: Path, out: Path, *options: str) -> list[Path]:
    """Models for `language` from the AsyncAPI document, as files in `out`."""
    run([npm_tool("asyncapi"), "generate", "models", language, str(document), "-o", str(out), "--no-interactive", *options],
        what=f"asyncapi generate models {language}", timeout=180)
    return sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []


@dataclass
class JavaClient:
    classes: Path

    def _java(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        classpath = os.pathsep.join([str(self.classes), str(TOOLS / "lib" / "*")])
        return run([system_tool("java"), "-cp", classpath, "cn.netreport.check.ContractCheck", *args],
                   what="the Java contract check", timeout=120, stdin=stdin, check=check)

    def decode(self, messages: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Any]]:
        return _lines(self._java("decode", stdin=_input(messages), check=False).stdout)

    def handled(self, case_id: str, department: str, dispatch_no: int, result: str, handler: str,
                key: str) -> dict[str, Any]:
        return json.loads(self._java("handled", case_id, department, str(dispatch_no), result, handler, key).stdout)


@dataclass
class GoClient:
    binary: Path

    def decode(self, messages: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Any]]:
        return _lines(run([str(self.binary)], what="the Go contract check", timeout=60, stdin=_input(messages),
                          check=False).stdout)


def build_java(document: Path, work: Path) -> JavaClient:
    jars = sorted((TOOLS / "lib").glob("*.jar"))
    if not jars:
        pytest.fail(f"no jars in {TOOLS / 'lib'}: {INSTALL}", pytrace=False)
    sources = generate("java", document, work / "models", f"--packageName={JAVA_PACKAGE}", "--javaJackson")
    if not sources:
        pytest.fail(f"the generator wrote no Java models from {document.name}", pytrace=False)
    classes = work / "classes"
    run([system_tool("javac"), "-encoding", "UTF-8", "-d", str(classes), "-cp", os.pathsep.join(map(str, jars)),
         *map(str, sources), str(HERE / "java" / "ContractCheck.java")], what="javac of the generated Java models", timeout=240)
    return JavaClient(classes)


def build_go(document: Path, work: Path) -> GoClient:
    module = work / "module"
    (module / "events").mkdir(parents=True)
    sources = generate("golang", document, module / "events", "--packageName=events", "--goIncludeTags")
    if not sources:
        pytest.fail(f"the generator wrote no Go models from {document.name}", pytrace=False)
    for name in ("main.go", "go.mod"):
        shutil.copy(HERE / "go" / name, module / name)
    binary = work / "contract-check"
    # Offline and with the installed toolchain: the module has no dependencies to fetch.
    run([system_tool("go"), "build", "-o", str(binary), "."], what="go build of the generated Go models", timeout=300,
        cwd=module, env={"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"})
    return GoClient(binary)


def _input(messages: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(f"{name}\t{json.dumps(value, ensure_ascii=False)}\n" for name, value in messages)


def _lines(stdout: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for line in stdout.splitlines():
        name, _, body = line.partition("\t")
        out.append((name, body if body.startswith("ERROR") else json.loads(body)))
    return out


def differences(original: Any, decoded: Any, schema: dict[str, Any], components: dict[str, Any], path: str = "$") -> list[str]:
    """Where a decoded-and-re-encoded message lost or changed a documented value.

    A null may come back null or absent; every other documented value must come back equal
    (date-times as instants, since Jackson and pydantic print them differently). Keys the
    schema does not document are not part of the contract and are not compared.
    """
    schema = _resolve(schema, components)
    if original is None:
        return [] if decoded is None else [f"{path}: null became {decoded!r}"]
    if "then" in schema:  # nullable named enum (libs.common.event_schemas)
        schema = _resolve(schema["then"], components)
    if isinstance(original, dict):
        if not isinstance(decoded, dict):
            return [f"{path}: object became {decoded!r}"]
        props, extra = schema.get("properties", {}), schema.get("additionalProperties")
        found = []
        for key, value in original.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                found += differences(value, decoded.get(key), sub, components, f"{path}.{key}")
        return found
    if isinstance(original, list):
        if not isinstance(decoded, list) or len(decoded) != len(original):
            return [f"{path}: {original!r} became {decoded!r}"]
        return [d for i, (a, b) in enumerate(zip(original, decoded)) for d in
                differences(a, b, schema.get("items", {}), components, f"{path}[{i}]")]
    if schema.get("format") == "date-time" and isinstance(decoded, str):
        same = datetime.fromisoformat(original) == datetime.fromisoformat(decoded)
    else:
        same = original == decoded
    return [] if same else [f"{path}: {original!r} became {decoded!r}"]


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema
