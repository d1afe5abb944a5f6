"""Page, report and alert-job timings against a generated PostgreSQL database (manage.py generate_data).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cate_bench_small .venv/bin/python bench/run.py \
        --scale small --output bench/results/small.json
    .venv/bin/python bench/run.py --compare bench/results/small.json bench/results/large.json
    .venv/bin/python bench/run.py --scale large --only network --output bench/results/network-large.json

Each page is requested in process with Django's test client, signed in as a user who would use it:
a few warm-up requests, then --requests timed requests (server time: the client call, from request to
response, nothing over the network), and one more request under CaptureQueriesContext for the number of
queries. An empty signed-in page (the notification list of a user with none) is the baseline. The
network pages are the 2-step map of the node with most links, the map of the peer group with most
members and the hotspot list (`--only network` measures those and the baseline alone); the context
panel's agenda is that of the panel with most items (`--only "context panel"`). The
annual report times reporting.selectors.annual_report for the last complete financial year; the alert
job is one run of core.alerts.run_rule("rhi"), rolled back afterwards so the database is unchanged.
This measures; it asserts nothing (the query-count guards are in the tests).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_BASELINE_RATIO = 4.0
TARGET_SCALE_RATIO = 1.5
TARGET_REPORT_SECONDS = 3.0
TARGET_ALERT_SECONDS = 10.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("OTP_REQUIRED", "false")
    import django

    django.setup()


def _pick():
    """The records and users each page is measured with, chosen from the data (not by id)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from cate.choices import LIVE_CASE_STATUSES
    from cate.models import Case
    from contacts.models import Child
    from core.roles import Role
    from riskpanel.models import PanelMeeting

    User = get_user_model()

    def with_role(role: Role):
        user = User.objects.filter(groups__name=role.label, is_active=True).order_by("pk").first()
        if user is None:
            raise SystemExit(f"No {role.label} in this database: generate data first (manage.py generate_data).")
        return user

    leader = with_role(Role.TEAM_LEADER)
    screener = with_role(Role.SCREENER)
    baseline_user = with_role(Role.AUDITOR)
    worker = (
        User.objects.filter(groups__name=Role.CATE_WORKER.label)
        .annotate(n=Count("allocated_cases", filter=Q(allocated_cases__status__in=LIVE_CASE_STATUSES)))
        .order_by("-n", "pk")
        .first()
    )
    case = Case.objects.annotate(n=Count("chronology")).order_by("-n", "pk").first()
    child = Child.objects.annotate(n=Count("contacts")).order_by("-n", "pk").first()
    meeting = (
        PanelMeeting.objects.filter(meets_at__gte=timezone.now())
        .annotate(n=Count("items"))
        .order_by("meets_at")
        .first()
    )
    network_pages, network_notes = _network_pages(leader)
    context_panel_pages, context_panel_notes = _context_panel_pages(leader)
    surname = Child.objects.values("last_name").annotate(n=Count("pk")).order_by("-n", "last_name").first()["last_name"]
    pages = [
        ("baseline (empty page)", baseline_user, reverse("core:notification_list")),
        ("screening queue", screener, reverse("contacts:queue")),
        ("child search by name", screener, reverse("contacts:child_search") + f"?name={surname}"),
        ("child record", leader, reverse("contacts:child_detail", args=[child.pk])),
        ("case page (longest chronology)", leader, reverse("cate:case_detail", args=[case.pk])),
        ("case chronology (longest)", leader, reverse("cate:chronology", args=[case.pk])),
        ("my caseload (busiest worker)", worker, reverse("cate:my_caseload")),
        ("team dashboard", leader, reverse("reporting:index")),
        ("panel agenda (next panel)", leader, reverse("riskpanel:panel_detail", args=[meeting.pk])),
        ("action list", leader, reverse("riskpanel:action_list")),
        *network_pages,
        *context_panel_pages,
    ]
    notes = {
        "case": f"{case.reference}: {case.n} chronology entries",
        "child": f"child {child.pk}: {child.n} contacts",
        "worker": f"{worker.username}: {worker.n} live cases",
        "panel": f"{meeting}: {meeting.n} agenda items",
        "search": surname,
        **network_notes,
        **context_panel_notes,
    }
    return pages, notes


def _network_pages(leader):
    """The exploitation network's pages (issue 18): the 2-step map of the node with most links (a hub
    of hundreds at the large scale, capped on the map), the map of the peer group with most members
    and the hotspot list (places by linked children and missing episodes), read by a team leader."""
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from network.choices import LinkKind, LinkStatus
    from network.graph import SEGMENTS
    from network.models import Link, Node

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT node, count(*) FROM (SELECT a_id AS node FROM network_link WHERE status = %s "
            "UNION ALL SELECT b_id FROM network_link WHERE status = %s) ends "
            "GROUP BY node ORDER BY count(*) DESC, node LIMIT 1",
            [LinkStatus.ACTIVE, LinkStatus.ACTIVE],
        )
        row = cursor.fetchone()
    if row is None:
        raise SystemExit("No network links in this database: generate data first (manage.py generate_data).")
    hub = Node.objects.get(pk=row[0])
    group = (
        Link.objects.filter(kind=LinkKind.MEMBER_OF, status=LinkStatus.ACTIVE, b__peer_group__isnull=False)
        .values("b", "b__peer_group")
        .annotate(n=Count("pk"))
        .order_by("-n", "b")
        .first()
    )
    pages = [
        (
            "network map, 2 steps (most linked)",
            leader,
            reverse("network:map", args=[SEGMENTS[hub.kind], hub.target_id]) + "?steps=2",
        ),
        (
            "network map (largest peer group)",
            leader,
            reverse("network:map", args=["peer-group", group["b__peer_group"]]),
        ),
        ("network hotspot list", leader, reverse("network:hotspot_list")),
    ]
    notes = {
        "network hub": f"{hub.get_kind_display().lower()} {hub.target_id}: {row[1]} links",
        "peer group": f"peer group {group['b__peer_group']}: {group['n']} members",
    }
    return pages, notes


def _context_panel_pages(leader):
    """The context panel's agenda (issue 19): the panel with most items, read by a team leader
    (`--only "context panel"`)."""
    from django.db.models import Count
    from django.urls import reverse

    from network.models import ContextPanel

    panel = ContextPanel.objects.annotate(n=Count("items")).order_by("-n", "-meets_at").first()
    if panel is None:
        return [], {}
    pages = [("context panel agenda (most items)", leader, reverse("network:context_panel_detail", args=[panel.pk]))]
    return pages, {"context panel": f"{panel}: {panel.n} agenda items"}


def _measure_page(client, path: str, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, math.ceil(0.95 * len(times)) - 1)], 2),
        "requests": requests,
        "queries": len(queries),
    }


def run(scale: str, requests: int, warmup: int, only: list[str] | None = None) -> dict:
    _setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from cate.models import Case, MissingEpisode
    from contacts.models import Child, Contact
    from core.alerts import run_rule
    from reporting import figures
    from reporting.selectors import annual_report

    pages, notes = _pick()
    if only:  # the baseline and the pages named (a part of their name), nothing else
        pages = [page for page in pages if page[0].startswith("baseline") or any(o in page[0] for o in only)]
    results: dict = {
        "scale": scale,
        "records": {
            "children": Child.objects.count(),
            "contacts": Contact.objects.count(),
            "cases": Case.objects.count(),
            "missing_episodes": MissingEpisode.objects.count(),
        },
        "notes": notes,
        "pages": {},
    }
    for name, user, path in pages:
        client = Client()
        client.force_login(user)
        results["pages"][name] = {"path": path, **_measure_page(client, path, requests, warmup)}
    baseline = results["pages"]["baseline (empty page)"]["p95_ms"]
    for row in results["pages"].values():
        row["p95_vs_baseline"] = round(row["p95_ms"] / baseline, 2)
    if only:
        return results

    period = figures.last_complete_financial_year(timezone.localdate())
    runs = []
    for _ in range(3):
        began = time.perf_counter()
        annual_report(period)
        runs.append(time.perf_counter() - began)
    results["annual_report"] = {"period": f"{period.start} to {period.end}", "seconds": round(min(runs), 3)}
    results["annual_report"]["runs"] = [round(r, 3) for r in runs]

    with transaction.atomic():
        began = time.perf_counter()
        outcome = run_rule("rhi")
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)  # the notifications it sent are not kept: the next run finds the same
    results["alert_rhi"] = {"seconds": round(seconds, 3), "candidates": outcome.candidates, "sent": outcome.sent}
    return results


def print_table(results: dict) -> None:
    print(f"\nScale: {results['scale']}  records: {results['records']}")
    for key, value in results["notes"].items():
        print(f"  {key}: {value}")
    header = f"{'page':<34} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'p95/base':>9}  target p95 <= 4x base"
    print(header)
    print("-" * len(header))
    for name, row in results["pages"].items():
        ok = "ok" if row["p95_vs_baseline"] <= TARGET_BASELINE_RATIO else "MISSED"
        print(
            f"{name:<34} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} {row['queries']:>8} "
            f"{row['p95_vs_baseline']:>9.2f}  {ok}"
        )
    if "annual_report" not in results:  # --only: the pages named
        return
    report = results["annual_report"]
    alert = results["alert_rhi"]
    ok = "ok" if report["seconds"] < TARGET_REPORT_SECONDS else "MISSED"
    print(f"annual report {report['period']}: {report['seconds']:.2f} s (best of {report['runs']})  target < 3 s: {ok}")
    ok = "ok" if alert["seconds"] < TARGET_ALERT_SECONDS else "MISSED"
    print(
        f"rhi alert job: {alert['seconds']:.2f} s, {alert['candidates']} candidates, {alert['sent']} sent"
        f"  target < 10 s: {ok}"
    )


def compare(small_path: str, large_path: str) -> None:
    small = json.loads(Path(small_path).read_text())
    large = json.loads(Path(large_path).read_text())
    header = (
        f"{'page':<34} {'small p95':>10} {'large p95':>10} {'large/small':>12} {'queries s/l':>12}  "
        "target ratio <= 1.5, same queries"
    )
    print(header)
    print("-" * len(header))
    for name, row in small["pages"].items():
        other = large["pages"].get(name)
        if other is None:
            continue
        ratio = other["p95_ms"] / row["p95_ms"]
        same = row["queries"] == other["queries"]
        ok = "ok" if ratio <= TARGET_SCALE_RATIO and same else "MISSED"
        print(
            f"{name:<34} {row['p95_ms']:>10.1f} {other['p95_ms']:>10.1f} {ratio:>12.2f} "
            f"{row['queries']:>5}/{other['queries']:<6} {'=' if same else '≠'}  {ok}"
        )
    for key, label in (("annual_report", "annual report"), ("alert_rhi", "rhi alert job")):
        if key not in small or key not in large:
            continue
        s, l_ = small[key]["seconds"], large[key]["seconds"]
        print(f"{label:<34} {s:>9.2f}s {l_:>9.2f}s {l_ / s if s else float('inf'):>12.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default=os.environ.get("SCALE", "small"), help="A label for the results")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--output", help="Write the results as JSON to this file")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="Measure only the pages whose names contain these (and the baseline)"
    )
    parser.add_argument("--compare", nargs=2, metavar=("SMALL", "LARGE"), help="Compare two result files")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    results = run(args.scale, args.requests, args.warmup, args.only)
    print_table(results)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(results, indent=2))
        print(f"\nSaved {args.output}")


if __name__ == "__main__":
    main()
