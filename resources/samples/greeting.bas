' Greets visitors by name and remembers the last one in bot memory.
last = GET_BOT_MEMORY("last_visitor")
IF last <> "" THEN
    TALK "Welcome back! The last person I talked to was " + last + "."
ELSE
    TALK "Hello! I don't think we've met."
END IF

TALK "What is your name?"
HEAR name AS NAME
SET_BOT_MEMORY("last_visitor", name)
TALK "Nice to meet you, " + name + "!"
