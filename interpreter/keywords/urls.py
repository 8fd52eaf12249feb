"""Which texts name a web address: GET, READ and media keywords take a URL or a file path."""


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))
