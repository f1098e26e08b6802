package golang

import "testing"

func TestGoName(t *testing.T) {
	cases := map[string]string{
		"order_id": "OrderID", "orderId": "OrderID", "OrderID": "OrderID", "url": "URL",
		"httpServer": "HTTPServer", "_leading": "Leading", "a": "A", "": "X", "9lives": "X9lives",
		"type": "Type", "last4": "Last4", "user_uuid_v2": "UserUUIDV2", "camelCase_and_snake": "CamelCaseAndSnake",
	}
	for in, want := range cases {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGoEnumName(t *testing.T) {
	cases := map[string]string{"PENDING": "Pending", "CANCELLED_BY_USER": "CancelledByUser",
		"ID_SET": "IDSet", "Mixed": "Mixed", "lower_case": "LowerCase", "A1": "A1",
		"DHL": "DHL", "USD": "USD", "EU": "EU", "UPS2": "UPS2", "FEDEX": "Fedex", "SEPA_DEBIT": "SepaDebit",
		"URL": "URL", "HTTPS": "HTTPS", "DHL_EXPRESS": "DhlExpress", "Dhl": "Dhl", "_X": "X"}
	for in, want := range cases {
		if got := GoEnumName(in); got != want {
			t.Errorf("GoEnumName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPackageNames(t *testing.T) {
	cases := map[string]string{"com.acme.orders": "orders", "com.acme.type": "type_", "com.acme.V2": "v2",
		"com.acme.my_events": "myevents", "x.2fa": "p2fa"}
	for ns, want := range cases {
		if got := goPackageName(defaultPackageDir(ns)); got != want {
			t.Errorf("package for %q = %q, want %q", ns, got, want)
		}
	}
}

func TestNameSetClaims(t *testing.T) {
	s := nameSet{}
	if a, b, c := s.claim("X"), s.claim("X"), s.claim("X"); a != "X" || b != "X_" || c != "X__" {
		t.Errorf("claims: %s %s %s", a, b, c)
	}
}
