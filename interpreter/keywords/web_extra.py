"""GRAPHQL, SOAP, WEBSITE OF and CREATE DRAFT.

GRAPHQL and SOAP go through the ``http`` provider with the session's SET HEADER headers. Both
protocols report failures inside the body (GraphQL ``errors``, SOAP ``Fault`` with HTTP 500),
so the body is read whatever the status. WEBSITE OF asks the ``search`` provider; CREATE DRAFT
renders the message with the ``drafts`` provider and keeps it as an ``.eml`` file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..ports.services import MailMessage
from ..values import BasicValueError, engine_json, to_display
from .ai_media import new_file
from .context import Clauses, KeywordContext
from .mail import recipients
from .registry import keyword
from .web import require_url, send, snippet

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
_XSD = "http://www.w3.org/2001/XMLSchema"
DEFAULT_NAMESPACE = "http://tempuri.org/"  # what .NET services use unless told otherwise
NO_RESULTS = "No results found"  # the original's answer when a search finds nothing


# ------------------------------------------------------------------------------ GraphQL


@keyword("GRAPHQL", args=(2, 3), usage="a URL, a query and optionally the variables")
async def graphql(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    url, query = require_url(args[0], "GRAPHQL"), to_display(args[1])
    variables = args[2] if len(args) == 3 else None
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) if variables.strip() else None
        except ValueError:
            raise BasicValueError("GRAPHQL: the variables must be a map or JSON text") from None
    if variables is not None and not isinstance(variables, dict):
        raise BasicValueError("GRAPHQL: the variables must be a map")
    # the engine's json!({"query", "variables"}), sent compact (http_operations.rs)
    payload = engine_json({"query": query, "variables": variables})
    response = await send(rt, "GRAPHQL", "POST", url, payload.encode("utf-8"),
                           {"Content-Type": "application/json",
                            "Accept": "application/graphql-response+json, application/json"})
    text = response.text()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BasicValueError(f"GRAPHQL {url} failed: HTTP {response.status}: {snippet(text)}")
    errors = data.get("errors") or []
    if errors:
        messages = [to_display(e.get("message", e)) if isinstance(e, dict) else to_display(e)
                    for e in (errors if isinstance(errors, list) else [errors])]
        raise BasicValueError(f"GRAPHQL {url}: " + "; ".join(messages))
    if not 200 <= response.status < 300 or "data" not in data:
        raise BasicValueError(f"GRAPHQL {url} failed: HTTP {response.status}: {snippet(text)}")
    return data["data"]


# ------------------------------------------------------------------------------ SOAP


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _elements(name: str, value: Any) -> str:
    """A parameter as XML: maps nest, lists repeat the element, null is an empty element."""
    if not name.replace("_", "a").replace("-", "a").replace(".", "a").isalnum() or \
            name[0].isdigit():
        raise BasicValueError(f"SOAP: {name!r} cannot be an XML element name")
    if isinstance(value, list):
        return "".join(_elements(name, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(_elements(str(k), v) for k, v in value.items())
    elif value is None:
        inner = ""
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(to_display(value))
    return f"<{name}>{inner}</{name}>"


def soap_envelope(operation: str, namespace: str, params: dict[str, Any]) -> str:
    body = "".join(_elements(str(k), v) for k, v in params.items())
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<soap:Envelope xmlns:soap="{SOAP_ENV}">'
            f"<soap:Body><{operation} xmlns={quoteattr(namespace)}>{body}</{operation}>"
            "</soap:Body></soap:Envelope>")


def _value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    result: dict[str, Any] = {}
    for child in children:
        name, value = _local(child.tag), _value(child)
        if name in result:  # a repeated element becomes a list
            if not isinstance(result[name], list):
                result[name] = [result[name]]
            result[name].append(value)
        else:
            result[name] = value
    return result


def parse_soap_response(text: str, operation: str) -> Any:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return None
    body = next((e for e in root.iter() if _local(e.tag) == "Body"), None)
    if body is None or not len(body):
        return None
    answer = body[0]
    if _local(answer.tag) == "Fault":
        fault = {_local(c.tag): "".join(c.itertext()).strip() for c in answer}
        message = fault.get("faultstring") or fault.get("Reason") or "no message"
        code = fault.get("faultcode") or fault.get("Code") or ""
        detail = fault.get("detail") or ""
        raise BasicValueError(f"SOAP {operation} failed: {message}"
                              + (f" ({code})" if code else "")
                              + (f": {detail}" if detail and detail != message else ""))
    value = _value(answer)
    return value if isinstance(value, dict) else {_local(answer.tag): value}


async def _from_wsdl(rt: KeywordContext, url: str, operation: str) -> tuple[str, str, str]:
    """Endpoint, SOAPAction and namespace of ``operation`` from the service description."""
    response = await send(rt, "SOAP", "GET", url, None, {})
    if not 200 <= response.status < 300:
        raise BasicValueError(f"SOAP: the WSDL {url} answered HTTP {response.status}")
    try:
        root = ET.fromstring(response.body)
    except ET.ParseError as e:
        raise BasicValueError(f"SOAP: {url} is not a WSDL document ({e})") from None
    namespace = root.get("targetNamespace") or DEFAULT_NAMESPACE
    for schema in root.iter(f"{{{_XSD}}}schema"):
        if any(e.get("name") == operation for e in schema.findall(f"{{{_XSD}}}element")):
            namespace = schema.get("targetNamespace") or namespace
    address = root.find(f".//{{{_WSDL_SOAP}}}address")
    endpoint = address.get("location", "") if address is not None else ""
    operations: dict[str, str] = {}
    for binding in root.iter(f"{{{_WSDL}}}binding"):
        for op in binding.findall(f"{{{_WSDL}}}operation"):
            soap_op = op.find(f"{{{_WSDL_SOAP}}}operation")
            if soap_op is not None:
                operations.setdefault(op.get("name", ""), soap_op.get("soapAction", ""))
    if operation not in operations:
        raise BasicValueError(f"SOAP: the service {url} has no SOAP 1.1 operation "
                              f"{operation!r} (it has: {', '.join(sorted(operations)) or 'none'})")
    return endpoint or url.split("?")[0], operations[operation], namespace


@keyword("SOAP", args=(2, 3),
         usage='a URL or WSDL, an operation and the parameters: '
               'SOAP "https://…?wsdl", "Add", #{ a: 1 }')
async def soap(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    url, operation = require_url(args[0], "SOAP"), to_display(args[1]).strip()
    params = args[2] if len(args) == 3 and args[2] is not None else {}
    if not isinstance(params, dict):
        raise BasicValueError("SOAP: the parameters must be a map of element names to values")
    if url.lower().endswith(("?wsdl", ".wsdl", "?singlewsdl")):
        endpoint, action, namespace = await _from_wsdl(rt, url, operation)
    else:
        # "http://ns.example/Op" names the namespace; a bare name uses the .NET default.
        namespace, _, name = operation.rpartition("/")
        namespace = namespace + "/" if namespace else DEFAULT_NAMESPACE
        endpoint, operation, action = url, name, namespace + name
    if not operation.replace("_", "a").isalnum():
        raise BasicValueError(f"SOAP: {operation!r} is not an operation name")
    envelope = soap_envelope(operation, namespace, params)
    response = await send(rt, "SOAP", "POST", endpoint, envelope.encode("utf-8"),
                           {"Content-Type": "text/xml; charset=utf-8",
                            "SOAPAction": f'"{action}"', "Accept": "text/xml"})
    text = response.text()
    result = parse_soap_response(text, operation)  # raises on a Fault, whatever the status
    if result is None or not 200 <= response.status < 300:
        raise BasicValueError(f"SOAP {operation} at {endpoint} failed: HTTP {response.status}"
                              f": {snippet(text)}")
    return result


# ------------------------------------------------------------------------------ search, drafts


@keyword("WEBSITE OF", args=1)
async def website_of(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    query = to_display(args[0]).strip()
    if not query:
        raise BasicValueError("WEBSITE OF needs a search text")
    hits = await rt.service("search", "WEBSITE OF").search(query, 1)
    return hits[0].url if hits else NO_RESULTS


@keyword("CREATE DRAFT", args=3,
         usage='to, subject and body: CREATE DRAFT "ana@example.com", "Hello", text')
async def create_draft(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    message = MailMessage(recipients(args[0]), to_display(args[1]), to_display(args[2]))
    data = rt.service("drafts", "CREATE DRAFT").render(message)
    return await new_file(rt, "CREATE DRAFT", "drafts", message.subject or "draft", "eml", data)
