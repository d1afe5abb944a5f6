"""Reliability under load and outages (issue 8).

Starts a private PostgreSQL and Redis, runs the production settings under gunicorn with a Celery
worker and beat, and drives N concurrent signed-in users (several roles, two-factor sign-in
included) through the main pages for a fixed time. A third of the way through Redis is stopped for
a few seconds; two thirds through, PostgreSQL. Prints requests made, errors and any 5xx per phase,
and whether every process recovered without a restart.

    .venv/bin/python bench/reliability.py --users 20 --duration 90 --outage 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.services import PrivatePostgres, PrivateRedis  # noqa: E402
from bench.setup_users import BENCH_PASSWORD, ROLE_PAGES  # noqa: E402

PORT = 58000


class Client:
    """A tiny HTTP client that keeps cookies by hand (the production cookies are Secure and
    __Host- prefixed, which a standard cookie jar will not send over plain HTTP)."""

    def __init__(self, host: str = "127.0.0.1", port: int = PORT):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()

    def csrf_post(self, path: str, form: dict) -> tuple[int, str, str]:
        status, _, html = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": match.group(1)})

    def sign_in(self, username: str, totp_key: bytes) -> None:
        from django_otp.oath import totp

        status, location, _ = self.csrf_post("/sign-in/", {"username": username, "password": BENCH_PASSWORD})
        if status != 302 or "security-code" not in location:
            raise RuntimeError(f"sign-in of {username} failed: {status} {location}")
        code = f"{totp(totp_key):06d}"
        status, location, _ = self.csrf_post("/sign-in/security-code/", {"token": code})
        if status != 302:
            raise RuntimeError(f"second step of {username} failed: {status}")


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=90, help="seconds of load")
    parser.add_argument("--outage", type=int, default=5, help="seconds each server is down")
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()

    pg, redis = PrivatePostgres(), PrivateRedis()
    procs: list[subprocess.Popen] = []
    py = str(ROOT / ".venv" / "bin" / "python")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": pg.url,
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(pg.dir / "static"),
    }
    try:
        print("Starting private PostgreSQL and Redis ...", flush=True)
        pg.init()
        redis.start()
        run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        # One account per simulated user: an authenticator code cannot be used twice.
        per_role = -(-args.users // len(ROLE_PAGES))
        out = run(
            [py, "bench/setup_users.py"],
            {**env, "BENCH_ACCOUNTS_PER_ROLE": str(per_role)},
            capture_output=True,
            text=True,
        ).stdout
        accounts = [line.split() for line in out.splitlines() if line.startswith("user ")]
        users = [(name, role, bytes.fromhex(key)) for _, name, role, key in accounts]
        logs = open(pg.dir / "processes.log", "w")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{PORT}",
                    "--workers",
                    str(args.web_workers),
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=logs,
            )
        )
        procs.append(
            subprocess.Popen(
                [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--concurrency=2", "--loglevel=WARNING"],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=logs,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/celery"),
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=WARNING",
                    "--schedule",
                    str(pg.dir / "beat"),
                ],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=logs,
            )
        )
        for _ in range(100):
            try:
                if Client().request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")

        os.environ.update(
            {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")}
        )
        import django

        django.setup()
        stats = drive(users, args, pg, redis)
        alive = {
            p.args[0].rsplit("/", 1)[-1] + (" " + p.args[3] if "celery" in p.args[0] else ""): p.poll() is None
            for p in procs
        }
        report(stats, alive, args)
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        redis.stop()
        pg.destroy()


PHASES = ("before outages", "Redis down", "after Redis", "PostgreSQL down", "after PostgreSQL")


def drive(users, args, pg: PrivatePostgres, redis: PrivateRedis) -> dict:
    stop_at = time.monotonic() + args.duration
    phase = {"name": PHASES[0]}
    results: dict[str, Counter] = defaultdict(Counter)
    timeline: list[tuple[float, str]] = []
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, Counter] = defaultdict(Counter)
    lock = threading.Lock()

    def user_loop(index: int) -> None:
        # Spread simulated users over the roles: the i-th user of each role gets its own account.
        name, role, key = sorted(users, key=lambda u: (int(u[0].rsplit("_", 1)[1]), u[1]))[index % len(users)]
        client = Client()
        signed_in = False
        rng = random.Random(index)
        while time.monotonic() < stop_at:
            current = phase["name"]
            started = time.monotonic()
            try:
                if not signed_in:
                    client.sign_in(name, key)
                    signed_in = True
                    continue
                path = rng.choice(ROLE_PAGES[role])
                status, location, _ = client.request("GET", path)
                outcome = str(status)
                if status == 302 and "/sign-in/" in location:
                    signed_in = False
                    outcome = "302 to sign-in"
            except Exception as exc:
                outcome = f"error: {type(exc).__name__}"
                time.sleep(0.2)
            with lock:
                timeline.append((time.monotonic(), outcome))
                results[current][outcome] += 1
                latencies[current].append(time.monotonic() - started)
                if not outcome.startswith("2") and not outcome.startswith("3"):
                    failures[current][f"{outcome} {role}"] += 1
            time.sleep(rng.uniform(0.05, 0.2))

    threads = [threading.Thread(target=user_loop, args=(i,), daemon=True) for i in range(args.users)]
    for t in threads:
        t.start()
    third = args.duration / 3
    time.sleep(third)
    phase["name"] = PHASES[1]
    redis.stop()
    time.sleep(args.outage)
    redis.start()
    phase["name"] = PHASES[2]
    time.sleep(max(0.0, third - args.outage))
    phase["name"] = PHASES[3]
    pg.stop()
    time.sleep(args.outage)
    pg.start()
    phase["name"] = PHASES[4]
    for t in threads:
        t.join()
    return {
        "results": results,
        "latencies": latencies,
        "failures": failures,
        "timeline": timeline,
        "ended": time.monotonic(),
    }


def report(stats: dict, alive: dict, args) -> None:
    results, latencies, failures = stats["results"], stats["latencies"], stats["failures"]
    print(f"\n{args.users} users, {args.duration} s, {args.outage} s outages\n")
    print(f"{'phase':<18}{'requests':>10}{'2xx/3xx':>10}{'4xx':>6}{'5xx':>6}{'errors':>8}{'p50 ms':>8}{'p95 ms':>8}")
    for name in PHASES:
        counts = results.get(name, Counter())
        total = sum(counts.values())
        ok = sum(v for k, v in counts.items() if k[:1] in "23")
        c4 = sum(v for k, v in counts.items() if k.startswith("4"))
        c5 = sum(v for k, v in counts.items() if k.startswith("5"))
        err = sum(v for k, v in counts.items() if k.startswith("error"))
        lat = sorted(latencies.get(name, [0.0]))
        p50 = statistics.median(lat) * 1000
        p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
        print(f"{name:<18}{total:>10}{ok:>10}{c4:>6}{c5:>6}{err:>8}{p50:>8.0f}{p95:>8.0f}")
    print("\nWhat failed:")
    for name in PHASES:
        for what, count in failures.get(name, Counter()).most_common(6):
            print(f"  {name}: {what} x{count}")
    window = 10.0
    tail = [outcome for at, outcome in stats["timeline"] if at >= stats["ended"] - window]
    bad_tail = [outcome for outcome in tail if outcome.startswith(("5", "error"))]
    recovered = all(alive.values()) and tail and not bad_tail
    print("\nProcesses still running:", ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in alive.items()))
    print(f"Requests in the last {window:.0f} s: {len(tail)}, failed: {len(bad_tail)}")
    print("Recovered without a restart:", "yes" if recovered else "NO")


if __name__ == "__main__":
    raise SystemExit(main())
