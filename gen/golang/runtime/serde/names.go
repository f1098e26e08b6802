package serde

import "encoding/json"

// topLevelName returns the full name of the named type a schema text
// defines at its top level, or "" if it is not a record, enum or fixed.
func topLevelName(schema string) string {
	var top struct {
		Type      any    `json:"type"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	}
	if json.Unmarshal([]byte(schema), &top) != nil {
		return ""
	}
	switch top.Type {
	case "record", "error", "enum", "fixed":
	default:
		return ""
	}
	return fullName(map[string]any{"name": top.Name, "namespace": top.Namespace}, "")
}
