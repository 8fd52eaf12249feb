PARAM product AS STRING LIKE "coffee" DESCRIPTION "The product to order"
PARAM quantity AS INTEGER LIKE 2 DESCRIPTION "How many units"
DESCRIPTION "Places an order and remembers the running total of units ordered."

' Memory holds text: VAL reads it (as a float), INT makes it whole, STR stores it back.
stored = GET_BOT_MEMORY("units_ordered")
ordered = quantity
IF stored <> "" THEN
    ordered = INT(VAL(stored)) + quantity
END IF
SET_BOT_MEMORY("units_ordered", STR(ordered))

order = #{ product: product, quantity: quantity, status: "placed" };

BEGIN TALK
Order placed:
* ${quantity} x ${product}
* units ordered so far: ${ordered}
END TALK
RETURN order
