MISSING_UNION_BRANCH /fields/0/type reader union lacking writer type: RECORD
TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: STRING
