package schema

// EncodeRulesSnapshot renders rules as a rules_snapshots file.
var EncodeRulesSnapshot = encodeRulesSnapshot

// ExecutorOf is the executor StoreRender writes through (render_store.go).
var ExecutorOf = executorOf
