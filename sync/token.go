package sync

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// deviceClaims are the claims of a device token: the person (subject and
// auth collection) and the device. Revocation is not in the token: every
// request checks the device record, so it takes effect at once.
type deviceClaims struct {
	Collection string `json:"col"`
	Device     string `json:"dev"`
	Type       string `json:"typ"`
	jwt.RegisteredClaims
}

const deviceTokenType = "samenspel-device"

func (s *Service) signDeviceToken(collection, person, device string, now time.Time) (string, time.Time, error) {
	key, err := s.key("device-token")
	if err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(s.cfg.DeviceTokenTTL).UTC().Truncate(time.Second)
	claims := deviceClaims{
		Collection: collection, Device: device, Type: deviceTokenType,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   person,
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
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired())
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, Errorf(CodeUnauthorized, "The device token has expired: register the device again.")
		}
		return nil, Errorf(CodeUnauthorized, "The device token is not valid.")
	}
	if claims.Type != deviceTokenType || claims.Subject == "" || claims.Device == "" {
		return nil, Errorf(CodeUnauthorized, "The device token is not valid.")
	}
	return &claims, nil
}
