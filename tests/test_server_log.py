"""What a server's log says while a script hammers it: a line per burst, not a warning per request."""

import urllib.error
import urllib.request

from tests.servers import DaphneServer, migrate


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_three_hundred_refused_requests_are_one_refusal_line_and_no_warning_each(server_env, tmp_path):
    migrate(server_env)
    log_path = tmp_path / "daphne.log"
    server = DaphneServer(server_env, log_path=log_path).start()
    try:
        statuses = [status_of(f"{server.http_url}/j/ZZZZ{n:03d}") for n in range(300)]
        statuses += [status_of(f"{server.http_url}/b/no-such-board/export.png") for _ in range(20)]
    finally:
        server.stop()
    assert statuses.count(404) >= 60 and statuses.count(429) >= 200
    lines = log_path.read_text().splitlines()
    refusals = [line for line in lines if "refused after" in line]
    assert len(refusals) == 1, lines
    # Daphne's access log keeps its one line per request, as an access log does; Django's own
    # warning per 4xx answer ("Not Found: /j/...", "Too Many Requests: ...") is not written.
    access = [line for line in lines if '"GET /j/ZZZZ' in line]
    assert len(access) == 300
    warnings = [line for line in lines if line.startswith(("Not Found:", "Too Many Requests:"))]
    assert warnings == []
