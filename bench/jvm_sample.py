"""Where a JVM's busy threads are: `jcmd <pid> Thread.print` taken N times, the RUNNABLE
threads' top frames (threads waiting in epoll/accept left out) counted, and the database's
own frames (mongo-java-server, H2) shown as short stacks. What found the local database's
page-cache misses and index-key serialization (bench/README.md).

    python -m bench.jvm_sample <pid> [--samples 25] [--every 1]
"""
from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import time

IDLE = ("EPoll", "epoll", "Net.poll", "accept", "SocketDispatcher.read", "waitForReferencePendingList")


def short(frame: str) -> str:
    method = frame.split("(")[0]
    cls, name = method.rsplit(".", 1)
    return f"{cls.rsplit('.', 1)[-1]}.{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pid")
    parser.add_argument("--samples", type=int, default=25)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    args = parser.parse_args()
    jcmd = shutil.which("jcmd") or "jcmd"
    leaves: collections.Counter[str] = collections.Counter()
    stacks: collections.Counter[str] = collections.Counter()
    for _ in range(args.samples):
        dump = subprocess.run([jcmd, args.pid, "Thread.print"], capture_output=True, text=True, check=True).stdout
        for block in dump.split("\n\n"):
            if "java.lang.Thread.State: RUNNABLE" not in block:
                continue
            frames = re.findall(r"^\s+at (\S+)", block, re.M)
            if not frames or any(word in frames[0] for word in IDLE):
                continue
            leaves[frames[0]] += 1
            ours = [f for f in frames if "bwaldvogel" in f or ".h2." in f]
            if ours:
                stacks[" <- ".join(short(f) for f in ours[:6])] += 1
        time.sleep(args.every)
    print(f"{args.samples} samples\n== busiest frames")
    for frame, n in leaves.most_common(15):
        print(n, frame)
    print("== database stacks")
    for stack, n in stacks.most_common(20):
        print(n, stack)


if __name__ == "__main__":
    main()
