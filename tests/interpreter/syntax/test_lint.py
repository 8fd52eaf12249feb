"""The never-assigned warning says what General Bots does: the 2026-05 engine puts only the
bot's param-* settings in a dialog's scope (botserver/src/basic/mod.rs,
inject_config_variables), so reading any other unassigned name stops the dialog."""

import asyncio

import pytest

from interpreter.checking import check_source
from interpreter.codegen.loading import load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from interpreter.runtime.engine import Runtime


def unassigned(source: str, provided: tuple[str, ...] = ()) -> list[str]:
    return [d.message for d in check_source(source, "d.bas", provided=provided)
            if "never assigned" in d.message]


@pytest.mark.parametrize("name", ["username", "mobile", "channel", "user", "body"])
def test_names_old_channels_gave_are_warned_like_any_other(name):
    messages = unassigned(f'TALK "hi " + {name}\n')
    assert messages == [(f"variable '{name}' is read but never assigned: the dialog stops here "
                        f"with \"Variable not found: {name}\" unless the bot's config.csv sets "
                        f"param-{name}")]


def test_the_run_stops_where_the_warning_says():
    compiled = load_source('TALK "a"\nTALK "hi " + username\n', "d.bas")
    with pytest.raises(BasicRuntimeError, match="Variable not found: username"):
        asyncio.run(Runtime(compiled, QueuedChannel(), DictMemory()).run())


def test_a_param_setting_silences_it():
    assert unassigned('TALK "hi " + city\n', provided=("city",)) == []


def test_an_assignment_anywhere_in_the_file_silences_it():
    assert unassigned('IF 1 > 2 THEN\n  TALK x\nEND IF\nx = 1\n') == []
