package module

import (
	"context"

	"jiceng/internal/access"
)

// Stats is a module's part of /api/v1/orgs/{id}/stats: the value under Key,
// computed with the caller's actor so that each module applies its own
// permission. When Of answers with a Forbidden error the key is left out,
// since a caller who may read the organization need not be allowed to read
// every module's figures about it; any other error fails the request.
type Stats struct {
	Key string
	Of  func(ctx context.Context, a access.Actor, orgID int64) (any, error)
}
