TYPE_MISMATCH /fields/1/type reader type: INT not compatible with writer type: LONG
READER_FIELD_MISSING_DEFAULT_VALUE /fields/2 coupon
MISSING_ENUM_SYMBOLS /fields/3/type/symbols [SHIPPED]
