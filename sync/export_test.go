package sync

// SetPrecheck turns the set-wise create-rule precheck of this service on
// or off, so tests can compare pushes with and without it.
func (s *Service) SetPrecheck(on bool) { s.noPrecheck = !on }
