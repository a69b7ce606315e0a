-- An asynchronous result is answered to the client as the city's system words it, with
-- the document number it is about (a duplicate worker's passport, say). The evidence
-- keeps it with that number masked; ID card and bank card numbers can be found in free
-- text by their shape, other documents only by knowing what the request sent. So the
-- masked text is written beside the result when the request is stored: empty when it
-- is the result itself (every success, and every row before this column).
ALTER TABLE sandbox_async ADD COLUMN masked_result TEXT NOT NULL DEFAULT '';
