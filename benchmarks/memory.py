"""Peak resident memory of the calling process (Linux).

Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries that high-water mark across fork and execve, so
a child started by a large benchmark process would report the parent's RSS as its own floor. VmHWM in
/proc/self/status belongs to the current address space only, which execve creates afresh.
"""

from __future__ import annotations

from pathlib import Path

STATUS_FILE = Path("/proc/self/status")


def peak_rss_kib() -> int:
    for line in STATUS_FILE.read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])  # "VmHWM:   123456 kB"
    raise RuntimeError(f"{STATUS_FILE} has no VmHWM line: peak RSS is measured on Linux only")
