package audit_test

import (
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }
