"""
The Python original's round trip, for `npm run bench`.

    python3 bench/original.py SOURCE BATCH < request.scgi

imports sioscgi from SOURCE (the `src` folder of the original's repository, tag v3.0.1),
reads one SCGI request from stdin, and prints as JSON the median CPU nanoseconds per
round trip over several batches of BATCH, in CPU time, as bench/index.mjs measures the JavaScript side.
A round trip is what bench/index.mjs times for sioscgi: a new connection, the request fed
whole, then EOF, every event taken, the method, the URI and every HTTP_* value read, and a
response of headers, one body chunk and its end sent.
"""

import json
import statistics
import sys
import time

sys.path.insert(0, sys.argv[1])
import sioscgi  # noqa: E402

REQUEST = sys.stdin.buffer.read()
BATCH = int(sys.argv[2])
HEADERS = [("Content-Type", "text/plain; charset=utf-8")]
BODY = b"Hello over SCGI\n"


def round_trip():
    conn = sioscgi.SCGIConnection()
    conn.receive_data(REQUEST)
    conn.receive_data(b"")
    read = 0
    event = conn.next_event()
    while event is not None:
        if isinstance(event, sioscgi.RequestHeaders):
            environment = event.environment
            read += len(environment["REQUEST_METHOD"]) + len(environment["REQUEST_URI"])
            for name, value in environment.items():
                if name.startswith("HTTP_"):
                    read += len(value)
        event = conn.next_event()
    head = conn.send(sioscgi.ResponseHeaders("200 OK", HEADERS))
    body = conn.send(sioscgi.ResponseBody(BODY))
    conn.send(sioscgi.ResponseEnd())
    return read + len(head) + len(body)


if round_trip() <= len(BODY):
    raise SystemExit("the original read nothing")
samples = []
for _ in range(7):
    start = time.process_time_ns()
    for _ in range(BATCH):
        round_trip()
    samples.append((time.process_time_ns() - start) / BATCH)
print(json.dumps({"ns": statistics.median(samples)}))
