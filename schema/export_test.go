package schema

// EncodeRulesSnapshot renders rules as a rules_snapshots file.
var EncodeRulesSnapshot = encodeRulesSnapshot
