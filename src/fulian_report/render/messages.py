"""Jinja's messages about prose, said in Chinese with what to write instead.

The person who keeps the data writes `{{ 名称 }}` and a few filters; when
they mistype, Jinja answers in English about "print statements" and
"template tags".  Each message a person can cause is translated here; one
not listed gets a Chinese sentence saying what to check, since Jinja's
English would mean nothing to the reader.
"""

from __future__ import annotations

import re

from ..errors import suggest
from .environment import FILTERS, explain_python_error

_SYNTAX = [
    (r"No filter named '([^']+)'", lambda m: f"没有“{m[1]}”这个过滤器{suggest(m[1], list(FILTERS))}"),
    (r"unexpected '}'", lambda m: "花括号不成对：名称应写成 {{ 名称 }}，两边各两个花括号"),
    (r"unexpected '{'", lambda m: "花括号不成对：名称应写成 {{ 名称 }}，两边各两个花括号"),
    (r"unexpected 'end of print statement'", lambda m: "{{ }} 里的写法不完整，应是 {{ 名称 }} 或 {{ 名称 | 过滤器 }}"),
    (r"unexpected end of template, expected 'end of print statement'", lambda m: "{{ 没有用 }} 结束"),
    (r"Expected an expression, got 'end of print statement'", lambda m: "{{ }} 里没有写名称"),
    (r"Expected an expression, got 'end of statement block'", lambda m: "{% %} 里缺少内容"),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.*?)\. The innermost block that needs to be closed is '(\w+)'",
        lambda m: f"{{% {m[2]} %}} 没有结束：请在后面写上 {{% end{m[2]} %}}",
    ),
    (r"Encountered unknown tag '(end\w+)'", lambda m: f"多出了 {{% {m[1]} %}}：前面没有与它配对的开始标签"),
    (r"Encountered unknown tag '([^']+)'", lambda m: f"不认识的标签 {{% {m[1]} %}}"),
    (r"cannot use extend from a non top-level scope|extended multiple times", lambda m: "{% extends %} 只能写在最前面、只能写一次"),
    (r"[Bb]lock '([^']+)' defined twice", lambda m: f"{{% block {m[1]} %}} 写了两次"),
    (r"^stray (\S+)$", lambda m: f"多出了“{m[1]}”：{{{{ 和 }}}}、{{% 和 %}} 要成对"),
    (r"unexpected char '(.)'", lambda m: f"{{{{ }}}} 里不能有“{m[1]}”：是不是 {{{{ 后面少了 }}}}？名称写成 {{{{ 名称 }}}}"),
    (r"expected token 'end of print statement', got '([^']+)'", lambda m: f"{{{{ }}}} 里不能有“{m[1]}”：是不是 {{{{ 后面少了 }}}}？名称写成 {{{{ 名称 }}}}"),
    (r"tag name expected|expected token", lambda m: "{% %} 里的写法不完整或多了内容"),
]


def stray_braces(text: str) -> str | None:
    """A `}}` or `{{` left in rendered prose: Jinja prints a stray closing pair as text."""
    for pair in ("}}", "{{", "%}", "{%"):
        if pair in text:
            return pair
    return None


def syntax_reason(message: str) -> str:
    """What Jinja's syntax error `message` means, in Chinese."""
    for pattern, say in _SYNTAX:
        match = re.search(pattern, message)
        if match:
            return say(match)
    # Jinja's words would mean nothing to the reader (and are English): say what to check instead.
    return "请检查花括号是否成对、名称是否写对，{% %} 标签是否成对、是否写在允许的位置"


def syntax_message(message: str) -> str:
    """A Jinja syntax error about prose, in Chinese."""
    return f"文字中的 {{{{ }}}} 写法有误：{syntax_reason(message)}"


def render_message(error: Exception) -> str:
    """A failure while rendering prose (a filter given the wrong kind of value, arithmetic), in Chinese."""
    return f"文字无法生成：{explain_python_error(error)}"
