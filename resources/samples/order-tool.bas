PARAM product AS STRING LIKE "coffee" DESCRIPTION "The product to order"
PARAM quantity AS INTEGER LIKE 2 DESCRIPTION "How many units"
DESCRIPTION "Places an order and remembers the running total of units ordered."

ordered = GET_BOT_MEMORY("units_ordered")
IF ordered = "" THEN
    ordered = 0
END IF
ordered = ordered + quantity
SET_BOT_MEMORY "units_ordered", ordered

order = #{ product: product, quantity: quantity, status: "placed" }

BEGIN TALK
Order placed:
* ${quantity} x ${product}
* units ordered so far: ${ordered}
END TALK
RETURN order
