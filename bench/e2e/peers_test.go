package e2e

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	hamba "github.com/hamba/avro/v2"

	"gitlab.com/acme/avroctl/events/v2/avro"
	"gitlab.com/acme/avroctl/events/v2/payments"
)

// hambaPayment is PaymentValidated as a hamba/avro user writes it: avro
// tags on plain Go types (uuid strings, *big.Rat for the decimal, the enum
// as its symbol).
type hambaPayment struct {
	Metadata          hambaMetadata `avro:"metadata"`
	PaymentID         string        `avro:"paymentId"`
	OrderID           string        `avro:"orderId"`
	CustomerID        string        `avro:"customerId"`
	Amount            hambaMoney    `avro:"amount"`
	Method            string        `avro:"method"`
	ProviderReference string        `avro:"providerReference"`
}

type hambaMetadata struct {
	EventID       string    `avro:"eventId"`
	EventType     string    `avro:"eventType"`
	OccurredAt    time.Time `avro:"occurredAt"`
	Producer      string    `avro:"producer"`
	CorrelationID *string   `avro:"correlationId"`
	CausationID   *string   `avro:"causationId"`
}

type hambaMoney struct {
	Amount   *big.Rat `avro:"amount"`
	Currency string   `avro:"currency"`
}

// hambaAPI is the configuration bench/codec_hamba.go uses (the block-size
// header is irrelevant here: the event has no arrays or maps).
var hambaAPI = hamba.Config{DisableBlockSizeHeader: true}.Freeze()

// newPayment is the i-th event of a run, as in examples/kafka_runtime_test.go.
func newPayment(i int) payments.PaymentValidated {
	var id, order avro.UUID
	copy(id[:], fmt.Sprintf("evt-%012d", i))
	copy(order[:], fmt.Sprintf("ord-%012d", i))
	ev := payments.PaymentValidated{PaymentID: "pay-" + strconv.Itoa(i), OrderID: order,
		CustomerID: "cust-" + strconv.Itoa(i%97), Method: payments.PaymentMethodCard,
		ProviderReference: "psp-" + strconv.Itoa(i)}
	ev.Metadata.EventID = id
	ev.Metadata.EventType = "PaymentValidated"
	ev.Metadata.OccurredAt = time.UnixMilli(1795788916789 + int64(i))
	ev.Metadata.Producer = "payment-service"
	ev.Amount.Amount = avro.NewDecimal(int64(1999+i), 2)
	ev.Amount.Currency = "EUR"
	return ev
}

// toHamba converts v outside any timed loop, as the codec benchmarks do.
func toHamba(v *payments.PaymentValidated) hambaPayment {
	return hambaPayment{
		Metadata: hambaMetadata{
			EventID:    v.Metadata.EventID.String(),
			EventType:  v.Metadata.EventType,
			OccurredAt: v.Metadata.OccurredAt.UTC(),
			Producer:   v.Metadata.Producer,
		},
		PaymentID:  v.PaymentID,
		OrderID:    v.OrderID.String(),
		CustomerID: v.CustomerID,
		Amount: hambaMoney{
			Amount:   v.Amount.Amount.Rat(),
			Currency: v.Amount.Currency,
		},
		Method:            v.Method.String(),
		ProviderReference: v.ProviderReference,
	}
}

// sameHamba reports how a and b differ, or "" when they hold the same
// value (time.Time and *big.Rat compared by value).
func sameHamba(a, b *hambaPayment) string {
	switch {
	case a.Metadata.EventID != b.Metadata.EventID, a.Metadata.EventType != b.Metadata.EventType,
		a.Metadata.Producer != b.Metadata.Producer,
		(a.Metadata.CorrelationID == nil) != (b.Metadata.CorrelationID == nil),
		(a.Metadata.CausationID == nil) != (b.Metadata.CausationID == nil):
		return fmt.Sprintf("metadata %+v != %+v", a.Metadata, b.Metadata)
	case !a.Metadata.OccurredAt.Equal(b.Metadata.OccurredAt):
		return fmt.Sprintf("occurredAt %v != %v", a.Metadata.OccurredAt, b.Metadata.OccurredAt)
	case a.Amount.Amount == nil || b.Amount.Amount == nil || a.Amount.Amount.Cmp(b.Amount.Amount) != 0,
		a.Amount.Currency != b.Amount.Currency:
		return fmt.Sprintf("amount %v %s != %v %s", a.Amount.Amount, a.Amount.Currency, b.Amount.Amount, b.Amount.Currency)
	case a.PaymentID != b.PaymentID, a.OrderID != b.OrderID, a.CustomerID != b.CustomerID,
		a.Method != b.Method, a.ProviderReference != b.ProviderReference:
		return fmt.Sprintf("%+v != %+v", *a, *b)
	}
	return ""
}
