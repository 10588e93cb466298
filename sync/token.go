package sync

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
)

// deviceClaims are the claims of a device token: the person (subject and
// auth collection), the device, and a MAC of the person's PocketBase
// tokenKey. Revocation is not in the token: every request checks the
// device record, so it takes effect at once.
type deviceClaims struct {
	Collection string `json:"col"`
	Device     string `json:"dev"`
	Type       string `json:"typ"`
	Login      string `json:"lk"` // loginMAC of the person when the token was made
	jwt.RegisteredClaims
}

const deviceTokenType = "samenspel-device"

func (s *Service) signDeviceToken(person *core.Record, device string, now time.Time) (string, time.Time, error) {
	key, err := s.key("device-token")
	if err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(s.cfg.DeviceTokenTTL).UTC().Truncate(time.Second)
	claims := deviceClaims{
		Collection: person.Collection().Name, Device: device, Type: deviceTokenType, Login: loginMAC(key, person),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   person.Id,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
	return tok, exp, err
}

// parseDeviceToken verifies a device token's signature, expiry and type.
// Every failure is unauthorized: a client cannot tell a forged token from
// an expired one, and need not.
func (s *Service) parseDeviceToken(token string) (*deviceClaims, error) {
	key, err := s.key("device-token")
	if err != nil {
		return nil, err
	}
	var claims deviceClaims
	_, err = jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.cfg.Now))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, apierr.Errorf(apierr.CodeUnauthorized, "The device token has expired: register the device again.")
		}
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "The device token is not valid.")
	}
	if claims.Type != deviceTokenType || claims.Subject == "" || claims.Device == "" {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "The device token is not valid.")
	}
	return &claims, nil
}

// loginMAC binds a device token to the person's PocketBase tokenKey, which
// PocketBase renews on a password change (and a superuser can renew to end
// every login of a person): a device token then ends with their PocketBase
// tokens. A short MAC under the server key, so the token does not carry
// the tokenKey itself.
func loginMAC(key []byte, person *core.Record) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("login/" + person.Collection().Name + "/" + person.Id + "/" + person.TokenKey()))
	return b64.EncodeToString(m.Sum(nil)[:12])
}

// checkLogin answers unauthorized when the person's tokenKey changed
// since the token was made.
func (s *Service) checkLogin(claims *deviceClaims, person *core.Record) error {
	key, err := s.key("device-token")
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(claims.Login), []byte(loginMAC(key, person))) {
		return apierr.Errorf(apierr.CodeUnauthorized, "The password or login of this account changed: log in again and register the device again.")
	}
	return nil
}
