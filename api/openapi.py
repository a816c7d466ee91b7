"""GET /api/openapi.json: the API described from the very declarations it is served from
(the endpoints and their pydantic models)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.models import ErrorOut, LoginIn, TokenOut
from api.routing import Endpoint

STATUS_TEXT = {400: "Bad request (a query parameter out of range or of the wrong type)",
               401: "No valid token", 403: "The chat would refuse this too",
               404: "No such thing", 405: "Method not allowed (see Allow)",
               409: "Not now: the thing's state does not allow it yet",
               416: "Range not satisfiable", 429: "Too many logins from this address",
               500: "Something unforeseen failed on our side",
               503: "A dependency (database, file store) is down; try again"}
# Every route may answer these (a wrong method, an outage, the unforeseen).
ALWAYS = (405, 500, 503)


def _path(pattern: str) -> tuple[str, list[str]]:
    names = re.findall(r"\{(\w+)(?::[^}]*)?\}", pattern)
    return re.sub(r"\{(\w+)(?::[^}]*)?\}", r"{\1}", pattern), names


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _errors(codes: tuple[int, ...]) -> dict[str, Any]:
    return {str(code): {"description": STATUS_TEXT.get(code, "Error"),
                        "content": {"application/json": {"schema": _ref(ErrorOut)}}}
            for code in codes}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return [{"name": name, "in": "query", "required": name in schema.get("required", []),
             "schema": _without_null(prop)}
            for name, prop in schema.get("properties", {}).items()]


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or has a value; ``null`` is not something a URL says
    (``?status=null`` is a 400), so an optional parameter is declared by its value alone."""
    prop = dict(prop)
    options = [option for option in prop.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        prop.update(options[0])
    elif options:
        prop["anyOf"] = options
    if prop.get("default", 0) is None:
        del prop["default"]
    return prop


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    path, names = _path(endpoint.path)
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 0, "maximum": endpoint.id_max}}
                  for name in names]
    errors = set(endpoint.errors) | set(ALWAYS) | {400}  # an unknown query parameter
    if endpoint.query is not None:
        parameters += _query_parameters(endpoint.query)
    if names:
        errors.add(404)
    ok: dict[str, Any] = {"description": "OK"}
    if endpoint.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(endpoint.response)}}
    else:
        binary = {"schema": {"type": "string", "format": "binary"}}
        ok["content"] = {kind: binary for kind in
                         endpoint.content_types or ("application/octet-stream",)}
    operation: dict[str, Any] = {
        "summary": endpoint.summary, "operationId": endpoint.fn.__name__,
        "security": [{"bearer": []}], "parameters": parameters,
        "responses": {"200": ok, **_errors(tuple(sorted(errors)))}}
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _ref(endpoint.body)}}}
    if endpoint.upload:
        binary = {"schema": {"type": "string", "format": "binary"}}
        operation["requestBody"] = {"required": True, "content": {
            kind: binary for kind in endpoint.upload}}
    if endpoint.roles:
        operation["description"] = "Who: " + ", ".join(endpoint.roles)
    return {path: {endpoint.method.lower(): operation}}


def build(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorOut, LoginIn, TokenOut}
    models |= {e.response for e in endpoints if e.response is not None}
    models |= {e.body for e in endpoints if e.body is not None}
    _, definitions = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {"/api/auth/login": {"post": {
        "summary": "Exchange Telegram.WebApp.initData for a bearer token",
        "operationId": "login", "security": [],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _ref(LoginIn)}}},
        "responses": {"200": {"description": "OK", "content": {
            "application/json": {"schema": _ref(TokenOut)}}},
            **_errors((400, 401, 429, *ALWAYS))}}}}
    for endpoint in endpoints:
        for path, operations in _operation(endpoint).items():
            paths.setdefault(path, {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Thesis Supervisor Mini App API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}}},
    }


def openapi_route(endpoints: tuple[Endpoint, ...]) -> web.RouteDef:
    document = build(endpoints)

    async def openapi(_request: web.Request) -> web.Response:
        return web.json_response(document)

    return web.get("/api/openapi.json", openapi)
