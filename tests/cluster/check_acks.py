"""After a cluster load: is every write the server acknowledged in the database, exactly once?

    python -m tests.cluster.check_acks

Run with the cluster's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, CLUSTER_DIR, …). Reads every
``$CLUSTER_DIR/acks/*.jsonl`` (one file per Locust process, see tests/cluster/journeys.py; a line cut
short by a crash is counted and skipped) and checks, against the database:

* completion (user, lesson): the lesson is completed for that learner, in one progress row;
* answer (attempt, position, the posted fields): one answer row per (attempt, position), holding the
  last acknowledged answer — or one of the saves sent after it (each save is logged as
  ``answer-sent`` before it goes, so one that got no answer, a 5xx, or was still in flight when the load
  stopped is known); its save counter no lower than the acknowledged saves (else some were lost) and no
  higher than the saves sent (else one was applied twice; attempts begun before the
  load are left out of that, their earlier saves being unknown). The expected value is what the
  app makes of the same form fields (quizzes.forms and quizzes.services), so no kind is guessed;
* submit (attempt): the attempt closed with a score, graded exactly once (tests/cluster/seed.py
  installs a trigger that logs each grading; without its table only the closing is checked);
* certificate (user, course): one live certificate, and one course completion, per learner and course;
* cross-user: every page that showed another person, counted as such.

Trainers' publishes are counted, with how soon the site showed them (``publish-seen``), but not judged
here: the cluster's publish drill asserts its own limit.

Also prints, from every ``$CLUSTER_DIR/requests*.jsonl`` (the load's response logs, one per Locust
process), each step's requests, errors (no answer or a 5xx), p50 and p95, and the time of the first
and last error (``errors_from``/``errors_until``, unix time) — not judged here: the drills know their
outages.

Prints a summary, then JSON ``{"checked", "lost", "duplicates", "cross_user", …}`` on its last line;
exits 1 if lost, duplicates or cross_user is not zero (or nothing was acknowledged at all).
"""

import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


def read_acks(cluster_dir: Path) -> tuple[list[dict], int]:
    """Every record of every acks file, in time order; and how many lines could not be read."""
    records, broken = [], 0
    for path in sorted((cluster_dir / "acks").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    broken += 1
                    continue
                if isinstance(record, dict) and "kind" in record:
                    records.append(record)
                else:
                    broken += 1
    records.sort(key=lambda r: r.get("t", 0))
    return records, broken


@dataclass
class AnswerFacts:
    """What the database holds for one (attempt, position)."""

    rows: int
    value: object = None
    saves: int = 0


@dataclass
class AttemptFacts:
    closed: bool
    scored: bool
    gradings: int | None  # None: no grading log
    started_before_load: bool = False


class Database:
    """What the checker asks of the database (tests/cluster/test_load_parts.py fakes it)."""

    def completion_rows(self, user: int, lesson: int) -> tuple[int, int]:
        """(progress rows for learner and lesson, of which completed)."""
        raise NotImplementedError

    def attempt(self, uuid: str, load_began: float) -> AttemptFacts | None:
        raise NotImplementedError

    def answer(self, uuid: str, position: int) -> AnswerFacts:
        raise NotImplementedError

    def expected_value(self, uuid: str, position: int, fields: dict) -> object:
        """What the app stores for these posted form fields."""
        raise NotImplementedError

    def certificates(self, user: int, course: int) -> tuple[int, int]:
        """(live certificates, course completions) of the learner for the course."""
        raise NotImplementedError


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str, number: int = 1) -> None:
        self.counts[kind] += number
        if len(self.problems) < 50:
            self.problems.append(text)

    def summary(self) -> dict:
        counts = self.counts
        return {
            "checked": counts["checked"],
            "lost": counts["lost"],
            "duplicates": counts["duplicates"],
            "cross_user": counts["cross_user"],
            **{
                key: value
                for key, value in sorted(counts.items())
                if key not in ("checked", "lost", "duplicates", "cross_user")
            },
        }


def check(records: list[dict], db: Database) -> Report:
    report = Report()
    load_began = min((r.get("t", 0) for r in records), default=0)
    completions, certificates, submits = set(), set(), {}
    answers: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for record in records:
        kind = record["kind"]
        if kind == "completion":
            completions.add((int(record["user"]), int(record["lesson"])))
        elif kind in ("answer", "answer-unsure", "answer-sent"):
            answers[(record["attempt"], int(record["position"]))].append(record)
        elif kind == "submit":
            submits[record["attempt"]] = record
        elif kind == "certificate":
            certificates.add((int(record["user"]), int(record["course"])))
        elif kind == "publish":
            report.counts["publishes"] += 1
        elif kind == "publish-seen":
            report.counts["publishes seen on the site"] += 1
            slowest = max(report.counts["publish seen slowest ms"], round(float(record.get("ms", 0))))
            report.counts["publish seen slowest ms"] = slowest
        elif kind == "publish-unseen":
            report.counts["publishes not seen on the site after 20 tries"] += 1
        elif kind == "cross-user":
            seen = f"{record.get('expected')} saw {record.get('found')!r}"
            report.problem("cross_user", f"cross-user page at {record.get('step')}: {seen}")
        else:
            report.counts[f"{kind} (not checked)"] += 1

    for user, lesson in sorted(completions):
        report.counts["checked"] += 1
        report.counts["completions"] += 1
        rows, completed = db.completion_rows(user, lesson)
        if completed == 0:
            report.problem("lost", f"completion lost: learner {user}, lesson {lesson}")
        if rows > 1:
            report.problem(
                "duplicates", f"completion in {rows} rows: learner {user}, lesson {lesson}", rows - 1
            )

    attempts: dict[str, AttemptFacts | None] = {}

    def attempt_facts(uuid: str) -> AttemptFacts | None:
        if uuid not in attempts:
            attempts[uuid] = db.attempt(uuid, load_began)
        return attempts[uuid]

    for (uuid, position), sends in sorted(answers.items()):
        acked = [s for s in sends if s["kind"] == "answer"]
        if not acked:
            report.counts["answer positions with no save acknowledged"] += 1
            continue
        report.counts["checked"] += 1
        report.counts["answer positions"] += 1
        report.counts["answer saves acknowledged"] += len(acked)
        last = max(i for i, s in enumerate(sends) if s["kind"] == "answer")
        unsure_after = [s for s in sends[last + 1 :] if s["kind"] in ("answer-unsure", "answer-sent")]
        sent = sum(1 for s in sends if s["kind"] == "answer-sent")
        # Every save is logged as sent before it goes: one sent and not acknowledged may have been
        # applied (no answer, a 5xx, or a user stopped by Locust with the request in flight).
        unsure = sent - len(acked) if sent else sum(1 for s in sends if s["kind"] == "answer-unsure")
        facts = db.answer(uuid, position)
        where = f"attempt {uuid} position {position}"
        if facts.rows == 0:
            report.problem("lost", f"answer lost: {where}", 1)
            continue
        if facts.rows > 1:
            report.problem("duplicates", f"answer in {facts.rows} rows: {where}", facts.rows - 1)
        allowed = [db.expected_value(uuid, position, s["fields"]) for s in [sends[last], *unsure_after]]
        if facts.value not in allowed:
            report.problem(
                "lost", f"answer not the last acknowledged: {where}: {facts.value!r}, expected {allowed[0]!r}"
            )
        if facts.saves < len(acked):
            report.problem(
                "lost",
                f"{len(acked) - facts.saves} acknowledged saves not counted: {where}",
                len(acked) - facts.saves,
            )
        facts_attempt = attempt_facts(uuid)
        if facts_attempt is not None and facts_attempt.started_before_load:
            report.counts["answer positions of attempts begun before the load"] += 1
        elif facts.saves > len(acked) + unsure:
            report.problem(
                "duplicates",
                f"saved {facts.saves} times, {len(acked)} acknowledged and {unsure} unsure: {where}",
                facts.saves - len(acked) - unsure,
            )

    for uuid in sorted(submits):
        report.counts["checked"] += 1
        report.counts["submits"] += 1
        facts = attempt_facts(uuid)
        if facts is None or not facts.closed or not facts.scored:
            report.problem(
                "lost",
                f"submit lost: attempt {uuid} is {'missing' if facts is None else 'not closed with a score'}",
            )
            continue
        if facts.gradings is None:
            report.counts["submits with no grading log"] += 1
        elif facts.gradings == 0 and not facts.started_before_load:
            report.problem("lost", f"submit never graded: attempt {uuid}")
        elif facts.gradings > 1:
            report.problem("duplicates", f"attempt {uuid} graded {facts.gradings} times", facts.gradings - 1)

    for user, course in sorted(certificates):
        report.counts["checked"] += 1
        report.counts["certificates"] += 1
        live, completed = db.certificates(user, course)
        if live == 0:
            report.problem("lost", f"certificate lost: learner {user}, course {course}")
        elif live > 1:
            report.problem("duplicates", f"{live} certificates: learner {user}, course {course}", live - 1)
        if completed > 1:
            report.problem(
                "duplicates",
                f"{completed} course completions: learner {user}, course {course}",
                completed - 1,
            )
        elif completed == 0:
            report.problem("lost", f"course completion lost: learner {user}, course {course}")
    return report


def read_requests(cluster_dir: Path) -> list[dict]:
    """Every response the load logged (``requests*.jsonl``: one file per Locust process)."""
    records = []
    for path in sorted(cluster_dir.glob("requests*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and "step" in record:
                    records.append(record)
    return records


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def request_table(records: list[dict]) -> tuple[list[str], dict]:
    """Per step: requests, errors (no answer or a 5xx), p50 and p95 in ms; and the seconds in which
    the errors fell (the first and last error's times), for the drills to compare with their outages."""
    steps: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        steps[record["step"]].append(record)
    lines = [f"{'step':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"]
    for step, found in sorted(steps.items()):
        times = [r["ms"] for r in found if r.get("status")]
        errors = sum(1 for r in found if not r.get("status") or r["status"] >= 500)
        p50, p95 = _percentile(times, 0.5), _percentile(times, 0.95)
        lines.append(f"{step:<24}{len(found):>9}{errors:>8}{p50:>9.0f}{p95:>9.0f}")
    failed = [r["t"] for r in records if not r.get("status") or r["status"] >= 500]
    totals = {"requests": len(records), "request_errors": len(failed)}
    if failed:
        totals["errors_from"], totals["errors_until"] = min(failed), max(failed)
    return lines, totals


class DjangoDatabase(Database):
    """The real database, through the app's models (Django set up by main())."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.gradings = None
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT to_regclass('cluster_grading_log') IS NOT NULL")
                if cursor.fetchone()[0]:
                    cursor.execute("SELECT attempt_id, count(*) FROM cluster_grading_log GROUP BY attempt_id")
                    self.gradings = dict(cursor.fetchall())
        self._attempts = {}

    def completion_rows(self, user, lesson):
        from progress.models import ItemProgress

        rows = list(
            ItemProgress.objects.filter(learner_id=user, item_id=lesson).values_list(
                "completed_at", flat=True
            )
        )
        return len(rows), sum(1 for moment in rows if moment is not None)

    def _attempt(self, uuid):
        from quizzes.models import QuizAttempt

        if uuid not in self._attempts:
            self._attempts[uuid] = QuizAttempt.objects.filter(uuid=uuid).first()
        return self._attempts[uuid]

    def attempt(self, uuid, load_began):
        from quizzes.models import QuizAttempt

        attempt = self._attempt(uuid)
        if attempt is None:
            return None
        return AttemptFacts(
            closed=attempt.state != QuizAttempt.State.IN_PROGRESS,
            scored=attempt.score is not None,
            gradings=None if self.gradings is None else self.gradings.get(attempt.pk, 0),
            started_before_load=attempt.started_at.timestamp() < load_began - 60,
        )

    def answer(self, uuid, position):
        from quizzes.models import AttemptAnswer

        rows = list(
            AttemptAnswer.objects.filter(attempt__uuid=uuid, position=position).values_list(
                "response", "saves"
            )
        )
        if not rows:
            return AnswerFacts(rows=0)
        return AnswerFacts(rows=len(rows), value=rows[0][0], saves=rows[0][1])

    def expected_value(self, uuid, position, fields):
        from django.http import QueryDict

        from quizzes.forms import response_from_post
        from quizzes.grading import InvalidResponse, coerce_response
        from quizzes.services import _stored

        attempt = self._attempt(uuid)
        post = QueryDict(mutable=True)
        for name, values in fields.items():
            post.setlist(name, list(values))
        data = attempt.question_data(position)
        response = response_from_post(data, post, attempt.questions[position])
        try:
            value = _stored(data.kind, coerce_response(data, response))
        except InvalidResponse:
            return "invalid"
        return json.loads(json.dumps(value))  # as the JSON column gives it back

    def certificates(self, user, course):
        from certificates.models import Certificate
        from progress.models import CourseCompletion

        live = Certificate.objects.filter(learner_id=user, course_id=course, revoked_at__isnull=True).count()
        return live, CourseCompletion.objects.filter(learner_id=user, course_id=course).count()


def main(argv=None) -> int:
    cluster_dir = os.environ.get("CLUSTER_DIR")
    if not cluster_dir:
        print("CLUSTER_DIR is not set: it names the directory the load wrote acks/ to.", file=sys.stderr)
        return 2
    records, broken = read_acks(Path(cluster_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    report = check(records, DjangoDatabase())
    if broken:
        report.counts["unreadable lines"] += broken
    summary = report.summary()
    table, totals = request_table(read_requests(Path(cluster_dir)))
    if totals["requests"]:
        print("\n".join(table))
        summary.update(totals)
    for problem in report.problems:
        print("  " + problem)
    print(
        f"Acknowledged writes checked: {summary['checked']} "
        f"(completions {report.counts['completions']}, answer positions {report.counts['answer positions']} "
        f"from {report.counts['answer saves acknowledged']} saves, submits {report.counts['submits']}, "
        f"certificates {report.counts['certificates']}); lost {summary['lost']}, "
        f"duplicates {summary['duplicates']}, cross-user pages {summary['cross_user']}."
    )
    print(json.dumps(summary, ensure_ascii=False))
    failed = summary["lost"] or summary["duplicates"] or summary["cross_user"] or not summary["checked"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
