"""A loopback server that also speaks the OpenAI media endpoints, GraphQL, SOAP 1.1 and a
SearXNG-style search, on top of :class:`servers.HttpServer` (chat completions, /json …)."""

from __future__ import annotations

import base64
import json
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from .servers import HttpServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 24  # enough of a PNG for the magic-number check
MP3 = b"ID3\x04\0\0\0\0\0\0" + b"\xff\xfb" * 8
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 16
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
CALC_NS = "http://tempuri.org/"


class Binary(str):
    """A body of raw bytes through ``HttpServer``'s handler, which encodes payloads as UTF-8."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return super().encode("latin-1")


def binary(data: bytes) -> Binary:
    return Binary(data.decode("latin-1"))


def wsdl(endpoint: str) -> str:
    return f'''<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:s="http://www.w3.org/2001/XMLSchema" targetNamespace="http://calc.example/defs">
  <wsdl:types>
    <s:schema targetNamespace="http://calc.example/ns">
      <s:element name="Multiply"/>
    </s:schema>
  </wsdl:types>
  <wsdl:binding name="CalcSoap" type="tns:CalcSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Multiply">
      <soap:operation soapAction="urn:calc#Multiply" style="document"/>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Calc">
    <wsdl:port name="CalcSoap" binding="tns:CalcSoap">
      <soap:address location="{endpoint}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>'''


@dataclass
class AiServer(HttpServer):
    """Extra routes: /v1/images/generations, /v1/audio/speech, /v1/videos…, /graphql,
    /soap (a calculator: Add, Multiply, Divide faults on 0), /calc.wsdl, /search."""

    image_as_url: bool = False
    video_polls: int = 1  # status checks answered "in_progress" before "completed"
    video_fails: bool = False
    search_results: list[dict[str, Any]] = field(default_factory=list)
    _polls: int = 0

    def route(self, method: str, path: str, headers: dict[str, str],
              body: bytes) -> tuple[int, str, str]:
        url = urllib.parse.urlsplit(path)
        if url.path == "/v1/images/generations":
            prompt = json.loads(body)["prompt"]
            if "forbidden" in prompt:
                return 400, "application/json", json.dumps(
                    {"error": {"message": "Your request was rejected by the safety system"}})
            if self.image_as_url:
                return 200, "application/json", json.dumps(
                    {"data": [{"url": f"{self.url}/files/picture.png"}]})
            return 200, "application/json", json.dumps(
                {"created": 1, "data": [{"b64_json": base64.b64encode(PNG).decode()}]})
        if url.path == "/files/picture.png":
            return 200, "image/png", binary(PNG)
        if url.path == "/v1/audio/speech":
            return 200, "audio/mpeg", binary(MP3)
        if url.path.startswith("/v1/videos"):
            return self._video(method, url.path)
        if url.path == "/graphql":
            return self._graphql(json.loads(body))
        if url.path == "/soap":
            return self._soap(headers, body)
        if url.path == "/calc.wsdl":
            return 200, "text/xml", wsdl(f"{self.url}/soap")
        if url.path == "/search":
            query = urllib.parse.parse_qs(url.query)
            assert query["format"] == ["json"]
            return 200, "application/json", json.dumps(
                {"query": query["q"][0], "results": self.search_results})
        return super().route(method, path, headers, body)

    def _video(self, method: str, path: str) -> tuple[int, str, str]:
        if method == "POST":
            self._polls = 0
            return 200, "application/json", json.dumps({"id": "video_1", "status": "queued"})
        if path.endswith("/content"):
            return 200, "video/mp4", binary(MP4)
        self._polls += 1
        if self.video_fails:
            return 200, "application/json", json.dumps(
                {"id": "video_1", "status": "failed", "error": {"message": "moderation"}})
        status = "completed" if self._polls > self.video_polls else "in_progress"
        return 200, "application/json", json.dumps({"id": "video_1", "status": status})

    @staticmethod
    def _graphql(request: dict[str, Any]) -> tuple[int, str, str]:
        query, variables = request["query"], request.get("variables") or {}
        if "syntax error" in query:
            return 400, "application/json", json.dumps({"errors": [
                {"message": "Syntax Error: Unexpected Name \"syntax\""}]})
        if "missing" in query:
            return 200, "application/json", json.dumps({"data": None, "errors": [
                {"message": "Cannot query field \"missing\""},
                {"message": "Unknown type \"Nope\""}]})
        return 200, "application/json", json.dumps(
            {"data": {"user": {"id": variables.get("id"), "name": "Ana", "tags": ["a", "b"]}}})

    @staticmethod
    def _soap(headers: dict[str, str], body: bytes) -> tuple[int, str, str]:
        root = ET.fromstring(body)
        operation = root.find(f"{{{SOAP_NS}}}Body")[0]
        ns, _, name = operation.tag[1:].partition("}")
        args = {c.tag.rpartition("}")[2]: int(c.text or 0) for c in operation}
        action = next((v for k, v in headers.items() if k.lower() == "soapaction"), "")
        if name == "Divide" and args.get("b") == 0:
            fault = (f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body><soap:Fault>'
                     "<faultcode>soap:Client</faultcode>"
                     "<faultstring>Division by zero</faultstring>"
                     "</soap:Fault></soap:Body></soap:Envelope>")
            return 500, "text/xml; charset=utf-8", fault
        result = args["a"] * args["b"] if name == "Multiply" else \
            args["a"] + args["b"] if name == "Add" else args["a"] // args["b"]
        return 200, "text/xml; charset=utf-8", (
            f'<?xml version="1.0"?><soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
            f'<{name}Response xmlns="{ns}"><{name}Result>{result}</{name}Result>'
            f"<Echo><Action>{action}</Action><Namespace>{ns}</Namespace></Echo>"
            f"<Item>1</Item><Item>2</Item></{name}Response></soap:Body></soap:Envelope>")
