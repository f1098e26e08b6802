package idl

// Token is the kind of a lexical token of Avro IDL.
type Token int

// The tokens. Keywords sit between keywordBeg and keywordEnd so that
// IsKeyword is a range check; the order follows Idl.g4.
const (
	ILLEGAL Token = iota
	EOF
	DOC // /** doc comment */ (kept: it becomes a "doc" attribute)

	literalBeg
	IDENT  // name, `name`, a.b-c
	INT    // 12, -0x1F, 017, 5L
	FLOAT  // 1.5, 1e3, NaN, -Infinity, 0x1p3
	STRING // "text"
	literalEnd

	operatorBeg
	LPAREN    // (
	RPAREN    // )
	LBRACE    // {
	RBRACE    // }
	LBRACKET  // [
	RBRACKET  // ]
	COLON     // :
	SEMICOLON // ;
	COMMA     // ,
	AT        // @
	EQUALS    // =
	DOT       // .
	DASH      // -
	QUESTION  // ?
	LT        // <
	GT        // >
	operatorEnd

	keywordBeg
	PROTOCOL
	NAMESPACE
	IMPORT
	IDL
	SCHEMA
	ENUM
	FIXED
	ERROR
	RECORD
	ARRAY
	MAP
	UNION
	BOOLEAN
	INT_KW
	LONG
	FLOAT_KW
	DOUBLE
	STRING_KW
	BYTES
	NULL
	TRUE
	FALSE
	DECIMAL
	DATE
	TIME_MS
	TIMESTAMP_MS
	LOCAL_TIMESTAMP_MS
	UUID
	VOID
	ONEWAY
	THROWS
	keywordEnd
)

var tokens = [...]string{
	ILLEGAL: "ILLEGAL",
	EOF:     "EOF",
	DOC:     "doc comment",

	IDENT:  "identifier",
	INT:    "integer",
	FLOAT:  "floating-point number",
	STRING: "string",

	LPAREN:    "(",
	RPAREN:    ")",
	LBRACE:    "{",
	RBRACE:    "}",
	LBRACKET:  "[",
	RBRACKET:  "]",
	COLON:     ":",
	SEMICOLON: ";",
	COMMA:     ",",
	AT:        "@",
	EQUALS:    "=",
	DOT:       ".",
	DASH:      "-",
	QUESTION:  "?",
	LT:        "<",
	GT:        ">",

	PROTOCOL:           "protocol",
	NAMESPACE:          "namespace",
	IMPORT:             "import",
	IDL:                "idl",
	SCHEMA:             "schema",
	ENUM:               "enum",
	FIXED:              "fixed",
	ERROR:              "error",
	RECORD:             "record",
	ARRAY:              "array",
	MAP:                "map",
	UNION:              "union",
	BOOLEAN:            "boolean",
	INT_KW:             "int",
	LONG:               "long",
	FLOAT_KW:           "float",
	DOUBLE:             "double",
	STRING_KW:          "string",
	BYTES:              "bytes",
	NULL:               "null",
	TRUE:               "true",
	FALSE:              "false",
	DECIMAL:            "decimal",
	DATE:               "date",
	TIME_MS:            "time_ms",
	TIMESTAMP_MS:       "timestamp_ms",
	LOCAL_TIMESTAMP_MS: "local_timestamp_ms",
	UUID:               "uuid",
	VOID:               "void",
	ONEWAY:             "oneway",
	THROWS:             "throws",
}

// String returns the token's spelling (operators, keywords) or its name.
func (t Token) String() string {
	if t >= 0 && int(t) < len(tokens) && tokens[t] != "" {
		return tokens[t]
	}
	return "token(" + itoa(int(t)) + ")"
}

// IsKeyword reports whether t is a keyword. Every keyword can also be used
// where the grammar wants an identifier (see isIdentifier).
func (t Token) IsKeyword() bool { return keywordBeg < t && t < keywordEnd }

// IsLiteral reports whether t is an identifier or a literal.
func (t Token) IsLiteral() bool { return literalBeg < t && t < literalEnd }

// isIdentifier reports whether t can stand for an identifier: the grammar's
// `identifier` rule accepts IdentifierToken and every keyword.
func (t Token) isIdentifier() bool { return t == IDENT || t.IsKeyword() }

var keywords map[string]Token

func init() {
	keywords = make(map[string]Token, keywordEnd-keywordBeg)
	for t := keywordBeg + 1; t < keywordEnd; t++ {
		keywords[tokens[t]] = t
	}
}

// Lookup maps a bare word to its keyword token, or IDENT. Backtick-quoted
// words never go through Lookup.
func Lookup(word string) Token {
	if t, ok := keywords[word]; ok {
		return t
	}
	return IDENT
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
