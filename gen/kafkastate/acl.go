package kafkastate

import (
	"cmp"
	"maps"
	"slices"

	"gitlab.com/acme/avroctl/gen/schema"
)

// ACL is one ACL binding, spelled as Kafka's admin API and kafka-gitops
// spell it.
type ACL struct {
	ResourceType string `json:"resource_type" yaml:"type"`    // TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID
	ResourceName string `json:"resource_name" yaml:"name"`    // topic, group, "kafka-cluster", ...
	Pattern      string `json:"pattern" yaml:"pattern"`       // LITERAL or PREFIXED
	Principal    string `json:"principal" yaml:"principal"`   // User:orders-service
	Host         string `json:"host" yaml:"host"`             // "*" for any
	Operation    string `json:"operation" yaml:"operation"`   // READ, WRITE, ...
	Permission   string `json:"permission" yaml:"permission"` // ALLOW or DENY
	// Owner names what the ACL comes from ("service orders-service").
	Owner string `json:"owner,omitempty" yaml:"-"`
	// Pos is where its owner is declared.
	Pos schema.Position `json:"-" yaml:"-"`
}

// Key identifies the binding; two ACLs with the same key are one.
func (a ACL) Key() string {
	return a.ResourceType + "|" + a.Pattern + "|" + a.ResourceName + "|" + a.Principal + "|" + a.Host + "|" + a.Operation + "|" + a.Permission
}

// CompareACLs orders ACLs by principal, resource, then operation.
func CompareACLs(a, b ACL) int {
	return cmp.Or(cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.ResourceType, b.ResourceType),
		cmp.Compare(a.ResourceName, b.ResourceName), cmp.Compare(a.Pattern, b.Pattern),
		cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Permission, b.Permission), cmp.Compare(a.Host, b.Host))
}

// ClusterResource is the name of the cluster resource in ACLs.
const ClusterResource = "kafka-cluster"

// ACLs derives the desired ACLs, exactly as kafka-gitops derives them from
// services, users' roles and custom ACLs, plus those of dead-letter and
// retry topics. The result is sorted and has no duplicates.
//
// kafka-gitops's derivation, per service type:
//   - application: WRITE on each produced topic, READ on each consumed one,
//     READ on its group (group-id, default the service name) when it
//     consumes;
//   - kafka-streams: the same on its topics, plus READ, WRITE, DESCRIBE,
//     DELETE, CREATE, ALTER, ALTER_CONFIGS and DESCRIBE_CONFIGS on topics
//     prefixed with its application id, READ, DESCRIBE and DELETE on the
//     group named after it, and DESCRIBE_CONFIGS on the cluster;
//   - kafka-connect: WRITE on produced topics, READ and WRITE on its three
//     storage topics, READ on its group; each connector WRITE on what it
//     produces, READ on what it consumes and READ on group
//     connect-<connector> when it consumes.
//
// With settings.services.acls.describeTopicEnabled, each topic a service
// names also gets DESCRIBE. (Kafka implies DESCRIBE from READ and WRITE,
// so clients work either way.) A consumer with a dead-letter block READs
// its retry topics and WRITEs its retry and dead-letter topics.
func (st *State) ACLs() []ACL {
	var out []ACL
	seen := map[string]bool{}
	add := func(a ACL) {
		if a.Host == "" {
			a.Host = "*"
		}
		if a.Pattern == "" {
			a.Pattern = "LITERAL"
		}
		if a.Permission == "" {
			a.Permission = "ALLOW"
		}
		if k := a.Key(); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	describe := st.Settings.DescribeACLs
	for _, name := range slices.Sorted(maps.Keys(st.Services)) {
		svc := st.Services[name]
		base := ACL{Principal: svc.Principal, Owner: "service " + name, Pos: svc.Pos}
		on := func(typ, res, op string) {
			a := base
			a.ResourceType, a.ResourceName, a.Operation = typ, res, op
			add(a)
		}
		prefixed := func(typ, res, op string) {
			a := base
			a.ResourceType, a.ResourceName, a.Operation, a.Pattern = typ, res, op, "PREFIXED"
			add(a)
		}
		topics := func(produces, consumes []string) {
			for _, t := range produces {
				on("TOPIC", t, "WRITE")
			}
			for _, t := range consumes {
				on("TOPIC", t, "READ")
			}
			if describe {
				for _, t := range consumes {
					on("TOPIC", t, "DESCRIBE")
				}
				for _, t := range produces {
					on("TOPIC", t, "DESCRIBE")
				}
			}
		}
		switch svc.Type {
		case Application:
			topics(svc.Produces, svc.Consumes)
			if len(svc.Consumes) > 0 {
				on("GROUP", svc.GroupID, "READ")
			}
		case KafkaStreams:
			topics(svc.Produces, svc.Consumes)
			for _, op := range []string{"READ", "WRITE", "DESCRIBE", "DELETE", "CREATE", "ALTER", "ALTER_CONFIGS", "DESCRIBE_CONFIGS"} {
				prefixed("TOPIC", svc.ApplicationID, op)
			}
			for _, op := range []string{"READ", "DESCRIBE", "DELETE"} {
				on("GROUP", svc.ApplicationID, op)
			}
			on("CLUSTER", ClusterResource, "DESCRIBE_CONFIGS")
		case KafkaConnect:
			topics(svc.Produces, nil)
			storage := []string{svc.StorageTopics.Config, svc.StorageTopics.Offset, svc.StorageTopics.Status}
			for _, t := range storage {
				on("TOPIC", t, "READ")
			}
			for _, t := range storage {
				on("TOPIC", t, "WRITE")
			}
			on("GROUP", svc.GroupID, "READ")
			for _, cn := range slices.Sorted(maps.Keys(svc.Connectors)) {
				c := svc.Connectors[cn]
				topics(c.Produces, c.Consumes)
				if len(c.Consumes) > 0 {
					on("GROUP", "connect-"+cn, "READ")
				}
			}
		}
		// Dead letters: a failed record goes to the next retry topic, the
		// last to the dead-letter topic; the consumer reads the retries.
		for _, src := range svc.Consumes {
			dl := st.DeadLetterTopics(svc, src)
			if len(dl) == 0 {
				continue
			}
			topics(dl, dl[:len(dl)-1])
		}
		for _, an := range slices.Sorted(maps.Keys(st.CustomServiceACLs[name])) {
			add(st.CustomServiceACLs[name][an].acl("service "+name, ""))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Users)) {
		u := st.Users[name]
		base := ACL{Principal: u.Principal, Owner: "user " + name, Pos: u.Pos}
		on := func(typ, res, op string) {
			a := base
			a.ResourceType, a.ResourceName, a.Operation = typ, res, op
			add(a)
		}
		for _, role := range u.Roles {
			switch role {
			case "reader":
				on("TOPIC", "*", "READ")
				on("GROUP", "*", "READ")
			case "writer":
				on("TOPIC", "*", "WRITE")
			case "operator":
				on("CLUSTER", ClusterResource, "DESCRIBE")
				on("TOPIC", "*", "DESCRIBE")
				on("TOPIC", "*", "DESCRIBE_CONFIGS")
				on("GROUP", "*", "READ")
				on("GROUP", "*", "DESCRIBE")
			}
		}
		for _, an := range slices.Sorted(maps.Keys(st.CustomUserACLs[name])) {
			add(st.CustomUserACLs[name][an].acl("user "+name, u.Principal))
		}
	}
	slices.SortFunc(out, CompareACLs)
	return out
}

func (c *CustomACL) acl(owner, defaultPrincipal string) ACL {
	a := ACL{ResourceType: c.Type, ResourceName: c.Name, Pattern: c.Pattern, Principal: c.Principal,
		Host: c.Host, Operation: c.Operation, Permission: c.Permission, Owner: owner, Pos: c.Pos}
	if a.Principal == "" {
		a.Principal = defaultPrincipal
	}
	return a
}
