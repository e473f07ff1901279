"""A checker of xAPI 1.0.3 statements (the Data section of the specification, as an LRS applies it):
required properties, no unknown ones, IRIs, UUIDs, language maps, exactly one identifier for an Agent,
result scores (scaled within -1..1, min ≤ raw ≤ max), ISO 8601 timestamps and durations.

``problems(statement)`` returns what is wrong, as sentences; an empty list is a valid statement."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"  # xAPI: with a time zone
)
DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
    "likert", "numeric", "other",
}  # fmt: skip
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version",
    "attachments",
}  # fmt: skip
AGENT_KEYS = {"objectType", "name", *IFIS}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern",
    "choices", "scale", "source", "target", "steps",
}  # fmt: skip
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {
    "registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
    "statement", "extensions",
}  # fmt: skip
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


class _Checker:
    def __init__(self):
        self.found: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where}: {message}")

    def keys(self, where, value, allowed, required=()) -> bool:
        if not isinstance(value, dict):
            self.add(where, "must be an object")
            return False
        for key in set(value) - set(allowed):
            self.add(where, f"unknown property {key!r}")
        for key in required:
            if key not in value:
                self.add(where, f"{key!r} is required")
        return True

    def iri(self, where, value) -> None:
        if not isinstance(value, str) or not IRI.match(value):
            self.add(where, f"not an IRI: {value!r}")

    def irl(self, where, value) -> None:
        self.iri(where, value)
        if isinstance(value, str) and urlsplit(value).scheme not in ("http", "https"):
            self.add(where, f"not a resolvable http(s) IRL: {value!r}")

    def uuid(self, where, value) -> None:
        if not isinstance(value, str) or not UUID.match(value):
            self.add(where, f"not a UUID in canonical form: {value!r}")

    def language_map(self, where, value) -> None:
        if not isinstance(value, dict) or not value:
            self.add(where, "must be a non-empty language map")
            return
        for tag, text in value.items():
            if not LANGUAGE_TAG.match(tag):
                self.add(where, f"not an RFC 5646 language tag: {tag!r}")
            if not isinstance(text, str):
                self.add(where, f"the {tag} entry must be a string")

    def extensions(self, where, value) -> None:
        if not isinstance(value, dict):
            self.add(where, "extensions must be an object")
            return
        for key in value:
            self.iri(f"{where} key", key)

    def agent(self, where, value) -> None:
        if not self.keys(where, value, AGENT_KEYS):
            return
        if value.get("objectType", "Agent") != "Agent":
            self.add(where, "objectType must be Agent")
        given = [key for key in IFIS if key in value]
        if len(given) != 1:
            self.add(where, f"an Agent needs exactly one identifier, has {given or 'none'}")
        if "mbox" in value and not str(value["mbox"]).startswith("mailto:"):
            self.add(where, "mbox must be a mailto: IRI")
        if "account" in value and self.keys(
            f"{where}.account", value["account"], {"homePage", "name"}, ("homePage", "name")
        ):
            self.irl(f"{where}.account.homePage", value["account"].get("homePage"))
            if not isinstance(value["account"].get("name"), str) or not value["account"].get("name"):
                self.add(f"{where}.account.name", "must be a non-empty string")
        if "name" in value and not isinstance(value["name"], str):
            self.add(f"{where}.name", "must be a string")

    def activity(self, where, value) -> None:
        if not self.keys(where, value, ACTIVITY_KEYS, ("id",)):
            return
        if value.get("objectType", "Activity") != "Activity":
            self.add(where, "objectType must be Activity")
        self.iri(f"{where}.id", value.get("id"))
        definition = value.get("definition")
        if definition is None:
            return
        if not self.keys(f"{where}.definition", definition, DEFINITION_KEYS):
            return
        for key in ("name", "description"):
            if key in definition:
                self.language_map(f"{where}.definition.{key}", definition[key])
        if "type" in definition:
            self.iri(f"{where}.definition.type", definition["type"])
        if "moreInfo" in definition:
            self.irl(f"{where}.definition.moreInfo", definition["moreInfo"])
        if "extensions" in definition:
            self.extensions(f"{where}.definition.extensions", definition["extensions"])
        if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
            self.add(f"{where}.definition.interactionType", f"unknown: {definition['interactionType']!r}")
        if "correctResponsesPattern" in definition and "interactionType" not in definition:
            self.add(f"{where}.definition", "correctResponsesPattern needs an interactionType")

    def result(self, where, value) -> None:
        if not self.keys(where, value, RESULT_KEYS):
            return
        for key in ("success", "completion"):
            if key in value and not isinstance(value[key], bool):
                self.add(f"{where}.{key}", "must be true or false")
        if "response" in value and not isinstance(value["response"], str):
            self.add(f"{where}.response", "must be a string")
        if "duration" in value and not (
            isinstance(value["duration"], str) and DURATION.match(value["duration"])
        ):
            self.add(f"{where}.duration", f"not an ISO 8601 duration: {value['duration']!r}")
        if "extensions" in value:
            self.extensions(f"{where}.extensions", value["extensions"])
        score = value.get("score")
        if score is None or not self.keys(f"{where}.score", score, SCORE_KEYS):
            return
        numbers = {key: score[key] for key in SCORE_KEYS if key in score}
        for key, number in numbers.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.add(f"{where}.score.{key}", "must be a number")
                return
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            self.add(f"{where}.score.scaled", f"must be within -1..1, is {numbers['scaled']}")
        if "min" in numbers and "max" in numbers and not numbers["min"] < numbers["max"]:
            self.add(f"{where}.score", "min must be below max")
        if "raw" in numbers:
            if "min" in numbers and numbers["raw"] < numbers["min"]:
                self.add(f"{where}.score.raw", "below min")
            if "max" in numbers and numbers["raw"] > numbers["max"]:
                self.add(f"{where}.score.raw", "above max")

    def context(self, where, value, object_is_activity: bool) -> None:
        if not self.keys(where, value, CONTEXT_KEYS):
            return
        if "registration" in value:
            self.uuid(f"{where}.registration", value["registration"])
        if not object_is_activity and ("revision" in value or "platform" in value):
            self.add(where, "revision and platform are only for an Activity object")
        for key in ("revision", "platform"):
            if key in value and not isinstance(value[key], str):
                self.add(f"{where}.{key}", "must be a string")
        if "language" in value and not (
            isinstance(value["language"], str) and LANGUAGE_TAG.match(value["language"])
        ):
            self.add(f"{where}.language", f"not an RFC 5646 language tag: {value['language']!r}")
        if "extensions" in value:
            self.extensions(f"{where}.extensions", value["extensions"])
        activities = value.get("contextActivities")
        if activities is not None and self.keys(
            f"{where}.contextActivities", activities, CONTEXT_ACTIVITY_KEYS
        ):
            for key, entries in activities.items():
                for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
                    self.activity(f"{where}.contextActivities.{key}[{index}]", entry)

    def statement(self, value) -> list[str]:
        if not self.keys("statement", value, STATEMENT_KEYS, ("actor", "verb", "object")):
            return self.found
        if "id" in value:
            self.uuid("id", value["id"])
        self.agent("actor", value.get("actor"))
        verb = value.get("verb")
        if self.keys("verb", verb, {"id", "display"}, ("id",)):
            self.iri("verb.id", verb.get("id"))
            if "display" in verb:
                self.language_map("verb.display", verb["display"])
        obj = value.get("object")
        is_activity = isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity"
        if is_activity:
            self.activity("object", obj)
        else:
            self.add("object", "these statements are about activities")
        if "result" in value:
            self.result("result", value["result"])
        if "context" in value:
            self.context("context", value["context"], is_activity)
        if "timestamp" in value and not (
            isinstance(value["timestamp"], str) and TIMESTAMP.match(value["timestamp"])
        ):
            self.add("timestamp", f"not an ISO 8601 time with a time zone: {value.get('timestamp')!r}")
        if "version" in value and not str(value["version"]).startswith("1.0"):
            self.add("version", f"must be 1.0.x, is {value['version']!r}")
        return self.found


def problems(statement) -> list[str]:
    return _Checker().statement(statement)
