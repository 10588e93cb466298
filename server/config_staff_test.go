package server

import (
	"strings"
	"testing"
)

// TestConfigStaffLogin: the staff login settings load from the
// environment, and settings that would leave staff without a second
// factor, or OIDC half set up, stop the start with the names at fault.
func TestConfigStaffLogin(t *testing.T) {
	t.Parallel()
	oidc := []string{
		"SAMENSPEL_OIDC_AUTH_URL=https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize",
		"SAMENSPEL_OIDC_TOKEN_URL=https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
		"SAMENSPEL_OIDC_USERINFO_URL=https://graph.microsoft.com/oidc/userinfo",
		"SAMENSPEL_OIDC_CLIENT_ID=id", "SAMENSPEL_OIDC_CLIENT_SECRET=geheim",
	}
	c, err := loadConfig(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Staff.MFA != StaffMFAOTP || c.Staff.SuperuserMFA != StaffMFAOTP || c.Staff.OIDC.Enabled() {
		t.Fatalf("defaults: %+v, want MFA by e-mail code for staff and superusers, and no OIDC", c.Staff)
	}
	if c, err = loadConfig(nil, []string{"SAMENSPEL_SUPERUSER_MFA=off"}); err != nil || c.Staff.SuperuserMFA != SuperuserMFAOff {
		t.Fatalf("SAMENSPEL_SUPERUSER_MFA=off: %+v, %v", c, err)
	}
	c, err = loadConfig(nil, append(oidc, "SAMENSPEL_STAFF_MFA=idp"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Staff.MFA != StaffMFAIdP || c.Staff.OIDC.ClientSecret != "geheim" || c.Staff.OIDC.UserInfoURL == "" {
		t.Fatalf("from the environment: %+v", c.Staff)
	}
	for _, tc := range []struct {
		name string
		env  []string
		errs []string
	}{
		{"unknown mode", []string{"SAMENSPEL_STAFF_MFA=off"}, []string{"SAMENSPEL_STAFF_MFA", `"off"`}},
		{"unknown superuser mode", []string{"SAMENSPEL_SUPERUSER_MFA=idp"}, []string{"SAMENSPEL_SUPERUSER_MFA", `"idp"`}},
		{"idp without OIDC", []string{"SAMENSPEL_STAFF_MFA=idp"}, []string{"SAMENSPEL_STAFF_MFA", "SAMENSPEL_OIDC_AUTH_URL"}},
		{"half OIDC", []string{"SAMENSPEL_OIDC_CLIENT_ID=id"}, []string{"SAMENSPEL_OIDC_AUTH_URL", "SAMENSPEL_OIDC_TOKEN_URL", "SAMENSPEL_OIDC_CLIENT_SECRET"}},
		{"bad URL", append(oidc[1:], "SAMENSPEL_OIDC_AUTH_URL=login.example.nl"), []string{"SAMENSPEL_OIDC_AUTH_URL"}},
		{"id_token checks with userinfo", append(oidc, "SAMENSPEL_OIDC_ISSUER=https://login.example.nl"), []string{"SAMENSPEL_OIDC_ISSUER", "SAMENSPEL_OIDC_USERINFO_URL"}},
	} {
		_, err := loadConfig(nil, tc.env)
		if err == nil {
			t.Errorf("%s: loaded, want an error", tc.name)
			continue
		}
		for _, want := range tc.errs {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not name %s", tc.name, err, want)
			}
		}
	}
}
