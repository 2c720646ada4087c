import csv
import io
import json


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_json(response):
    return json.loads(content(response))
