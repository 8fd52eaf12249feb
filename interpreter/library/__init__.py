"""What generated code and keywords call: built-in functions, operators, FORMAT, HEAR
types, cron."""
