TYPE_MISMATCH /fields/1/type reader type: ENUM not compatible with writer type: RECORD
