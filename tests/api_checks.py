"""Our own schemathesis check, loaded by schemathesis.toml for `make fuzz` and the test suite.

schemathesis.toml lets a schema-valid request be a 400 where the API refuses it by a rule no
JSON schema can state: a slug or id that names no record (or none you may use), one cluster
per product and place, a role that fits the kind, a rejection without a comment. This check
keeps that allowance narrow, so that it cannot hide a schema that is wrong:

- a list refuses valid parameters only for a filter naming a record (`state`, `state_id`, …);
- a write refuses valid input never with one of DRF's messages about a value's type, format,
  length or range: the schema would then have said the value was allowed when it is not.
  Web addresses and e-mail addresses are the exception: Django checks a practical subset
  of what JSON Schema's `uri` and `email` formats allow (an http(s) or ftp(s) address whose
  host name has a top-level domain and at most 253 characters; a domain with a dot), which
  no format keyword states.
"""

import re

import schemathesis

# The list filters that name a record, by slug or by id (a 400 when it names none).
REFERENCE_FILTERS = frozenset(
    name
    for reference in ("cluster", "stakeholder", "sector", "state", "agency", "scheme", "indicator")
    for name in (reference, f"{reference}_id")
)
# DRF's and Django's messages for a value the schema describes wrongly (its type, format,
# length, range or choices): never the answer to schema-valid input.
SHAPE_MESSAGES = re.compile(
    r"A valid (number|integer) is required|Not a valid string|Must be a valid boolean"
    r"|has wrong format|Expected a (list|dictionary)|Ensure this (value|field) has"
    r"|Ensure this value is (less|greater)|Ensure that there are no more"
    r"|Enter a valid|may not be null|may not be blank|This field is required"
    r"|is not a valid choice|Incorrect type|Null characters|Invalid data"
)


# Django's URL and e-mail validators, stricter than the `uri` and `email` formats (above).
FORMAT_RULES = frozenset({"Enter a valid URL.", "Enter a valid email address."})


def messages(detail):
    """Yield every message of a DRF error body (a string, a list or a dict of them)."""
    if isinstance(detail, dict):
        for value in detail.values():
            yield from messages(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from messages(value)
    else:
        yield str(detail)


@schemathesis.check
def refusals_name_a_rule(ctx, response, case):
    """A schema-valid request refused with 400 is refused by a rule, not for its shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"A 400 without a JSON body: {response.text[:200]!r}") from exc
    if case.method.upper() == "GET":
        others = sorted(set(body) - REFERENCE_FILTERS) if isinstance(body, dict) else [body]
        if others:
            raise AssertionError(
                f"Valid list parameters refused for {others}: {body}. Only a filter naming "
                "no record may refuse a schema-valid request."
            )
        return None
    shape = [
        message
        for message in messages(body)
        if SHAPE_MESSAGES.search(message) and message not in FORMAT_RULES
    ]
    if shape:
        raise AssertionError(
            f"Valid input refused for its shape: {shape}. The schema allows what the API "
            "refuses: describe the field as it is read."
        )
    return None
