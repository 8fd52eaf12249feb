' A small support menu with SELECT CASE and suggestions.
ADD SUGGESTION "orders" AS "Track an order"
ADD SUGGESTION "hours" AS "Opening hours"
ADD SUGGESTION "human" AS "Talk to a person"
TALK "How can I help you today?"
HEAR choice AS "Track an order", "Opening hours", "Talk to a person"
CLEAR SUGGESTIONS

SELECT CASE choice
    CASE "Track an order"
        TALK "Please type your order number."
        HEAR order AS INTEGER
        SET_BOT_MEMORY "last_order_lookup", STR(order)
        TALK "Order " + order + " is on its way."
    CASE "Opening hours"
        TALK "We are open Monday to Friday, 9:00 to 18:00."
    CASE ELSE
        requests = GET_BOT_MEMORY("human_requests")
        SET_BOT_MEMORY "human_requests", STR(VAL(requests) + 1)
        TALK "I'll ask a colleague to contact you."
END SELECT
