"""tests/bench/wrk.py reads wrk's report and judges the targets (no server, no wrk needed)."""

from tests.bench import wrk

OUTPUT = """Running 5s test @ http://127.0.0.1:34443/my/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.52ms    4.01ms  41.50ms   80.00%
    Req/Sec   672.00     50.00   800.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   12.00ms
     90%   15.00ms
     99%    1.20s
  3360 requests in 5.00s, 40.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    672.00
Transfer/sec:      8.02MB
"""


def test_parse_reads_rate_latencies_and_errors():
    result = wrk.parse("signed-in My learning", OUTPUT)
    assert result.rps == 672.0 and result.requests == 3360
    assert result.p50_ms == 0.85 and result.p99_ms == 1200.0
    assert result.errors == 7  # 4 answers that were not 2xx/3xx, 3 socket errors


def test_verdicts_use_each_pages_own_ratio():
    floor = wrk.WrkResult("floor (/ping/)", 1000, 5000, 0, 1, 2, vs_floor=1.0)
    met = wrk.WrkResult("signed-in My learning", 340, 1700, 0, 1, 2, vs_floor=0.34)
    missed = wrk.WrkResult("signed-in lesson page", 480, 2400, 0, 1, 2, vs_floor=0.48)
    assert wrk.verdicts([floor, met, missed]) == [
        ("signed-in My learning", 0.34, 0.33, True),
        ("signed-in lesson page", 0.48, 0.5, False),
    ]
