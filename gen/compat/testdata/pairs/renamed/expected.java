NAME_MISMATCH /name expected: com.acme.Client
FIXED_SIZE_MISMATCH /fields/0/type/size expected: 16, found: 8
MISSING_UNION_BRANCH /fields/1/type/values/2 reader union lacking writer type: BOOLEAN
