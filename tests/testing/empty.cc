// Keeps lt_testing a valid library while tests/testing/ has no other source.
