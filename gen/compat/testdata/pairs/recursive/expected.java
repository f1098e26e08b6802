TYPE_MISMATCH /fields/0/type reader type: LONG not compatible with writer type: STRING
