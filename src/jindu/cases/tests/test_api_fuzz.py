"""Schema-driven fuzzing of the /api/v1/cases endpoints with Hypothesis (no network, no schemathesis).

Request bodies and query parameters are generated from the OpenAPI schema the API serves: values that fit
the declared types, mixed with values that do not (wrong types, huge numbers, odd strings, missing and
extra keys). Whatever comes in, the API answers below 500.
"""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"
EXAMPLES = 30  # per endpoint; the machine is shared, the schema has some 40 operations

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=50),
    st.text(alphabet=string.digits + "Xx-", min_size=17, max_size=19),
    st.sampled_from(
        [
            "",
            "2024-02-30",
            "9999-12-31",
            "0001-01-01",
            "540102",
            "５４０１０２",
            "' OR 1=1 --",
            "x" * 300,
            "NaN",
            "1e309",
            "-0",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _resolve(schema, components):
    while "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    return schema


def value_for(schema, components, depth=0):
    """A strategy for one value of ``schema``: mostly well-typed, sometimes anything at all."""
    schema = _resolve(schema, components)
    if "anyOf" in schema:
        typed = st.one_of(*[value_for(option, components, depth) for option in schema["anyOf"]])
    elif "enum" in schema:
        typed = st.sampled_from(schema["enum"])
    else:
        kind = schema.get("type")
        if kind == "integer":
            typed = st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from([0, 1, 2, 3])
        elif kind == "number":
            typed = st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str) | st.integers(0, 10**6)
        elif kind == "boolean":
            typed = st.booleans()
        elif kind == "array":
            typed = st.lists(value_for(schema.get("items", {}), components, depth + 1), max_size=3)
        elif kind == "null":
            typed = st.none()
        elif schema.get("format") == "date":
            typed = st.dates().map(lambda day: day.isoformat())
        elif kind == "object" and depth < 2:
            typed = body_for(schema, components, depth + 1)
        else:
            typed = st.text(max_size=60) | st.sampled_from(["540102", "540000", "heroin", "g", "CN", "A-1"])
    return st.one_of(typed, typed, typed, ODD)


def body_for(schema, components, depth=0):
    schema = _resolve(schema, components)
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {name: value_for(prop, components, depth) for name, prop in properties.items() if name in required}
    optional = {name: value_for(prop, components, depth) for name, prop in properties.items() if name not in required}
    return st.fixed_dictionaries(fixed, optional=optional) | st.dictionaries(st.text(max_size=8), ODD, max_size=4)


def operations(schema):
    components = schema["components"]["schemas"]
    for path, methods in sorted(schema["paths"].items()):
        if not path.startswith(API):
            continue
        for method, operation in sorted(methods.items()):
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            params = {
                param["name"]: value_for(param.get("schema", {}), components)
                for param in operation.get("parameters", [])
                if param.get("in") == "query"
            }
            yield path, method, (body_for(body, components) if body else st.just(None)), params


def test_generated_requests_never_answer_500(client, county_officer):
    case = f.case("540102")
    suspect = f.suspect(case, id_number=f.id_number())
    f.seizure(case)
    client.force_login(county_officer)
    schema = client.get("/api/v1/openapi.json").json()
    found = list(operations(schema))
    assert len(found) >= 30  # list, detail, create, update, delete of 7 record types, identities, status
    seen = {"requests": 0}

    def fuzz(path, method, body_strategy, params):
        pk = st.sampled_from([case.pk, suspect.pk, 0, 2**31, 2**63 - 1])

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(body=body_strategy, query=st.fixed_dictionaries({}, optional=params), pk=pk)
        def run(body, query, pk):
            url = path.replace("{pk}", str(pk))
            if method == "get":
                response = client.get(url, {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()})
            else:
                response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
            seen["requests"] += 1
            assert response.status_code < 500, (method, url, body, query, response.content[:300])

        run()

    for operation in found:
        fuzz(*operation)
    assert seen["requests"] >= len(found) * 5  # small spaces (a GET by id) end early: hypothesis knows they are done
