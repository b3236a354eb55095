package cases

// IntegrityAudit is the audit log's restriction of integrity reports, as
// the module registers it.
var IntegrityAudit = (*Service).integrityAudit
