"""netdraft: AWS network designs as text."""
