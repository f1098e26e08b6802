package kafkastate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Load reads the state file at path, and the files its settings.files
// names (relative to it), as kafka-gitops does.
func Load(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(filepath.Dir(path), name))
	})
}

// Parse decodes a state file. readFile, when not nil, reads the files
// settings.files names; without it they are an error.
func Parse(filename string, data []byte, readFile func(name string) ([]byte, error)) (*State, error) {
	st := &State{
		File:              filename,
		Topics:            map[string]*Topic{},
		Services:          map[string]*Service{},
		Users:             map[string]*User{},
		CustomServiceACLs: map[string]map[string]*CustomACL{},
		CustomUserACLs:    map[string]map[string]*CustomACL{},
		Subjects:          map[string]*Subject{},
	}
	p := &parser{file: filename, st: st}
	doc := p.document(data)
	if doc != nil {
		p.top(doc, readFile, true)
	}
	if len(p.errs) == 0 {
		st.applyDefaults()
		p.validate()
	}
	if len(p.errs) > 0 {
		p.errs.Sort()
		return nil, p.errs
	}
	return st, nil
}

type parser struct {
	file string
	st   *State
	errs schema.ErrorList
	// pos of keys whose meaning is checked once everything is read.
	topicDefaultsPos, ccloudPos schema.Position
}

func (p *parser) pos(n *yaml.Node) schema.Position {
	return schema.Position{Filename: p.file, Line: n.Line, Column: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs.Addf(p.pos(n), format, args...)
}

var yamlLineRx = regexp.MustCompile(`^yaml: line (\d+): `)

// document parses the YAML text into its document node.
func (p *parser) document(data []byte) *yaml.Node {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		pos := schema.Position{Filename: p.file, Line: 1, Column: 1}
		if m := yamlLineRx.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		p.errs.Addf(pos, "%s (the state file is YAML)", msg)
		return nil
	}
	if len(root.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
	}
	return root.Content[0]
}

// fields walks a mapping, calling the handler of each known key; unknown
// and repeated keys are errors that list the known ones.
func (p *parser) fields(n *yaml.Node, what string, handlers map[string]func(v *yaml.Node)) {
	if !p.isMap(n, what) {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k, "%s: key %q is repeated", what, k.Value)
			continue
		}
		seen[k.Value] = true
		h, ok := handlers[k.Value]
		if !ok {
			known := make([]string, 0, len(handlers))
			for name := range handlers {
				known = append(known, name)
			}
			slices.Sort(known)
			p.errorf(k, "%s: unknown key %q (known keys: %s)", what, k.Value, strings.Join(known, ", "))
			continue
		}
		h(v)
	}
}

// entries walks a mapping of names to values.
func (p *parser) entries(n *yaml.Node, what string, fn func(k, v *yaml.Node)) {
	if isNull(n) || !p.isMap(n, what) {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errorf(k, "%s: a name must be a non-empty string", what)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%s: %q is declared twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k, v)
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (p *parser) isMap(n *yaml.Node, what string) bool {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "%s: YAML aliases are not supported in state files; write the value out", what)
		return false
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping (key: value lines)", what)
		return false
	}
	return true
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s: want a string", what)
		return ""
	}
	return n.Value
}

func (p *parser) integer(n *yaml.Node, what string, min, max int) int {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, "%s: want a whole number", what)
		return 0
	}
	if v < min || v > max {
		p.errorf(n, "%s: %d is out of range (%d to %d)", what, v, min, max)
		return 0
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	switch n.Value {
	case "true":
		return true
	case "false":
		return false
	}
	p.errorf(n, "%s: want true or false", what)
	return false
}

// list reads a sequence of strings, with each one's position.
func (p *parser) list(n *yaml.Node, what string) ([]string, []schema.Position) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list (lines starting with \"- \")", what)
		return nil, nil
	}
	var out []string
	var pos []schema.Position
	for _, e := range n.Content {
		if s := p.str(e, what); s != "" {
			out = append(out, s)
			pos = append(pos, p.pos(e))
		}
	}
	return out, pos
}

// configs reads a topic config map; values are scalars kept as written.
func (p *parser) configs(n *yaml.Node, what string) (map[string]string, map[string]schema.Position) {
	out := map[string]string{}
	pos := map[string]schema.Position{}
	p.entries(n, what, func(k, v *yaml.Node) {
		if v.Kind != yaml.ScalarNode || isNull(v) {
			p.errorf(v, "%s.%s: want a value (quote it to be sure: \"%s\")", what, k.Value, v.Value)
			return
		}
		out[k.Value] = v.Value
		pos[k.Value] = p.pos(v)
	})
	return out, pos
}

func (p *parser) top(doc *yaml.Node, readFile func(string) ([]byte, error), main bool) {
	handlers := map[string]func(*yaml.Node){
		"topics":   p.topics,
		"services": p.services,
		"users":    p.users,
		"customServiceAcls": func(v *yaml.Node) {
			p.customACLs(v, "customServiceAcls", p.st.CustomServiceACLs)
		},
		"customUserAcls": func(v *yaml.Node) {
			p.customACLs(v, "customUserAcls", p.st.CustomUserACLs)
		},
		"subjects": p.subjects,
	}
	if main {
		handlers["settings"] = func(v *yaml.Node) { p.settings(v, readFile) }
	}
	p.fields(doc, "state", handlers)
}

func (p *parser) settings(n *yaml.Node, readFile func(string) ([]byte, error)) {
	s := &p.st.Settings
	enabled := func(what string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			p.fields(v, what, map[string]func(*yaml.Node){
				"enabled": func(v *yaml.Node) {
					if p.boolean(v, what+".enabled") {
						s.CCloud = true
						p.ccloudPos = p.pos(v)
					}
				},
			})
		}
	}
	prefixed := func(what string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			p.fields(v, what, map[string]func(*yaml.Node){
				"prefixed": func(v *yaml.Node) {
					l, _ := p.list(v, what+".prefixed")
					s.IgnorePrefixes = append(s.IgnorePrefixes, l...)
				},
			})
		}
	}
	p.fields(n, "settings", map[string]func(*yaml.Node){
		"ccloud":    enabled("settings.ccloud"),
		"confluent": enabled("settings.confluent"),
		"topics": func(v *yaml.Node) {
			p.fields(v, "settings.topics", map[string]func(*yaml.Node){
				"defaults": func(v *yaml.Node) {
					p.topicDefaultsPos = p.pos(v)
					p.fields(v, "settings.topics.defaults", map[string]func(*yaml.Node){
						"replication": func(v *yaml.Node) {
							s.DefaultReplication = p.integer(v, "settings.topics.defaults.replication", 1, 32767)
						},
						"partitions": func(v *yaml.Node) {
							s.DefaultPartitions = p.integer(v, "settings.topics.defaults.partitions", 1, 1<<20)
						},
					})
				},
				"blacklist":  prefixed("settings.topics.blacklist"),
				"ignoreList": prefixed("settings.topics.ignoreList"),
			})
		},
		"services": func(v *yaml.Node) {
			p.fields(v, "settings.services", map[string]func(*yaml.Node){
				"acls": func(v *yaml.Node) {
					p.fields(v, "settings.services.acls", map[string]func(*yaml.Node){
						"describeTopicEnabled": func(v *yaml.Node) {
							s.DescribeACLs = p.boolean(v, "settings.services.acls.describeTopicEnabled")
						},
					})
				},
			})
		},
		"files": func(v *yaml.Node) {
			p.fields(v, "settings.files", map[string]func(*yaml.Node){
				"services": func(v *yaml.Node) { p.include(v, "services", readFile) },
				"topics":   func(v *yaml.Node) { p.include(v, "topics", readFile) },
				"users":    func(v *yaml.Node) { p.include(v, "users", readFile) },
			})
		},
		"dead-letter": func(v *yaml.Node) {
			p.fields(v, "settings.dead-letter", map[string]func(*yaml.Node){
				"dlt-suffix":   func(v *yaml.Node) { s.DeadLetter.DLTSuffix = p.suffix(v, "settings.dead-letter.dlt-suffix") },
				"retry-suffix": func(v *yaml.Node) { s.DeadLetter.RetrySuffix = p.suffix(v, "settings.dead-letter.retry-suffix") },
			})
		},
	})
}

func (p *parser) suffix(n *yaml.Node, what string) string {
	s := p.str(n, what)
	if s != "" && !topicNameRx.MatchString(s) {
		p.errorf(n, "%s: %q may only hold letters, digits, '.', '_' and '-' (it ends topic names)", what, s)
	}
	return s
}

// include reads one of settings.files: a state file whose `key` section
// is merged in. Errors in it are located in it.
func (p *parser) include(n *yaml.Node, key string, readFile func(string) ([]byte, error)) {
	name := p.str(n, "settings.files."+key)
	if name == "" {
		return
	}
	if readFile == nil {
		p.errorf(n, "settings.files.%s: included files are read only from a state file on disk", key)
		return
	}
	data, err := readFile(name)
	if err != nil {
		p.errorf(n, "settings.files.%s: %v", key, errors.Unwrap(err))
		return
	}
	sub := &parser{file: filepath.Join(filepath.Dir(p.file), name), st: p.st}
	if doc := sub.document(data); doc != nil {
		sub.fields(doc, "state file included as settings.files."+key, map[string]func(*yaml.Node){
			key: map[string]func(*yaml.Node){"services": sub.services, "topics": sub.topics, "users": sub.users}[key],
		})
	}
	p.errs = append(p.errs, sub.errs...)
}

// topicNameRx is what Kafka accepts in a topic name.
var topicNameRx = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// TopicNameError says what is wrong with a topic name, or "".
func TopicNameError(name string) string {
	switch {
	case name == "." || name == "..":
		return fmt.Sprintf("%q is not a valid topic name", name)
	case len(name) > 249:
		return fmt.Sprintf("topic name is %d characters long; Kafka allows 249", len(name))
	case !topicNameRx.MatchString(name):
		return fmt.Sprintf("topic name %q may only hold letters, digits, '.', '_' and '-'", name)
	}
	return ""
}

func (p *parser) topics(n *yaml.Node) {
	p.entries(n, "topics", func(k, v *yaml.Node) {
		what := "topics." + k.Value
		if msg := TopicNameError(k.Value); msg != "" {
			p.errorf(k, "%s", msg)
		}
		if _, dup := p.st.Topics[k.Value]; dup {
			p.errorf(k, "topic %q is declared twice (once in an included file)", k.Value)
			return
		}
		t := &Topic{Name: k.Value, Pos: p.pos(k), Configs: map[string]string{}, ConfigPos: map[string]schema.Position{}}
		p.fields(v, what, map[string]func(*yaml.Node){
			"partitions":  func(v *yaml.Node) { t.Partitions = p.integer(v, what+".partitions", 1, 1<<20) },
			"replication": func(v *yaml.Node) { t.Replication = p.integer(v, what+".replication", 1, 32767) },
			"configs":     func(v *yaml.Node) { t.Configs, t.ConfigPos = p.configs(v, what+".configs") },
			"events":      func(v *yaml.Node) { t.Events, t.EventPos = p.list(v, what+".events") },
			"key":         func(v *yaml.Node) { t.Key = p.str(v, what+".key") },
		})
		p.st.Topics[k.Value] = t
	})
}

func (p *parser) services(n *yaml.Node) {
	p.entries(n, "services", func(k, v *yaml.Node) {
		what := "services." + k.Value
		if _, dup := p.st.Services[k.Value]; dup {
			p.errorf(k, "service %q is declared twice (once in an included file)", k.Value)
			return
		}
		s := &Service{Name: k.Value, Pos: p.pos(k), TopicPos: map[string]schema.Position{}}
		topicList := func(dst *[]string, key string) func(*yaml.Node) {
			return func(v *yaml.Node) {
				names, pos := p.list(v, what+"."+key)
				for i, name := range names {
					if msg := TopicNameError(name); msg != "" {
						p.errs.Addf(pos[i], "%s.%s: %s", what, key, msg)
					}
					if _, ok := s.TopicPos[name]; !ok {
						s.TopicPos[name] = pos[i]
					}
				}
				*dst = names
			}
		}
		var typeNode *yaml.Node
		p.fields(v, what, map[string]func(*yaml.Node){
			"type":           func(v *yaml.Node) { typeNode = v; s.Type = p.str(v, what+".type") },
			"principal":      func(v *yaml.Node) { s.Principal = p.principal(v, what+".principal") },
			"group-id":       func(v *yaml.Node) { s.GroupID = p.str(v, what+".group-id") },
			"application-id": func(v *yaml.Node) { s.ApplicationID = p.str(v, what+".application-id") },
			"produces":       topicList(&s.Produces, "produces"),
			"consumes":       topicList(&s.Consumes, "consumes"),
			"storage-topics": func(v *yaml.Node) {
				p.fields(v, what+".storage-topics", map[string]func(*yaml.Node){
					"config": func(v *yaml.Node) { s.StorageTopics.Config = p.str(v, what+".storage-topics.config") },
					"offset": func(v *yaml.Node) { s.StorageTopics.Offset = p.str(v, what+".storage-topics.offset") },
					"status": func(v *yaml.Node) { s.StorageTopics.Status = p.str(v, what+".storage-topics.status") },
				})
			},
			"connectors": func(v *yaml.Node) {
				s.Connectors = map[string]*Connector{}
				p.entries(v, what+".connectors", func(ck, cv *yaml.Node) {
					c := &Connector{}
					cw := what + ".connectors." + ck.Value
					p.fields(cv, cw, map[string]func(*yaml.Node){
						"produces": func(v *yaml.Node) { c.Produces, _ = p.list(v, cw+".produces") },
						"consumes": func(v *yaml.Node) { c.Consumes, _ = p.list(v, cw+".consumes") },
					})
					s.Connectors[ck.Value] = c
				})
			},
			"dead-letter": func(v *yaml.Node) {
				d := &DeadLetter{Pos: p.pos(v)}
				p.fields(v, what+".dead-letter", map[string]func(*yaml.Node){
					"retries": func(v *yaml.Node) { d.Retries = p.integer(v, what+".dead-letter.retries", 0, 100) },
					"configs": func(v *yaml.Node) { d.Configs, _ = p.configs(v, what+".dead-letter.configs") },
				})
				s.DeadLetter = d
			},
		})
		switch {
		case typeNode == nil:
			p.errorf(k, "%s: missing type (application, kafka-connect or kafka-streams)", what)
		case s.Type != Application && s.Type != KafkaConnect && s.Type != KafkaStreams:
			p.errorf(typeNode, "%s.type: %q is not a service type; use application, kafka-connect or kafka-streams", what, s.Type)
		}
		p.checkServiceKeys(v, s, what)
		p.st.Services[k.Value] = s
	})
}

// checkServiceKeys refuses keys that the service's type does not have, as
// kafka-gitops's typed services do.
func (p *parser) checkServiceKeys(n *yaml.Node, s *Service, what string) {
	allowed := map[string][]string{
		Application:  {"type", "principal", "group-id", "produces", "consumes", "dead-letter"},
		KafkaStreams: {"type", "principal", "application-id", "produces", "consumes", "dead-letter"},
		KafkaConnect: {"type", "principal", "group-id", "storage-topics", "produces", "connectors"},
	}[s.Type]
	if allowed == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(allowed, k.Value) {
			p.errorf(k, "%s: a %s service has no %q (it has %s)", what, s.Type, k.Value, strings.Join(allowed, ", "))
		}
	}
}

func (p *parser) principal(n *yaml.Node, what string) string {
	s := p.str(n, what)
	if s != "" {
		if typ, name, ok := strings.Cut(s, ":"); !ok || typ == "" || name == "" {
			p.errorf(n, "%s: %q is not a principal; write Type:name, for example User:orders-service", what, s)
		}
	}
	return s
}

// Roles are kafka-gitops's user roles.
var Roles = []string{"reader", "writer", "operator"}

func (p *parser) users(n *yaml.Node) {
	p.entries(n, "users", func(k, v *yaml.Node) {
		what := "users." + k.Value
		if _, dup := p.st.Users[k.Value]; dup {
			p.errorf(k, "user %q is declared twice (once in an included file)", k.Value)
			return
		}
		u := &User{Name: k.Value, Pos: p.pos(k)}
		p.fields(v, what, map[string]func(*yaml.Node){
			"principal": func(v *yaml.Node) { u.Principal = p.principal(v, what+".principal") },
			"roles": func(v *yaml.Node) {
				roles, pos := p.list(v, what+".roles")
				for i, r := range roles {
					if !slices.Contains(Roles, strings.ToLower(r)) {
						p.errs.Addf(pos[i], "%s.roles: role %q does not exist; use reader, writer or operator", what, r)
					}
					u.Roles = append(u.Roles, strings.ToLower(r))
				}
			},
		})
		p.st.Users[k.Value] = u
	})
}

// ACL vocabularies, as Kafka and kafka-gitops spell them.
var (
	ResourceTypes = []string{"TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"}
	PatternTypes  = []string{"LITERAL", "PREFIXED"}
	Operations    = []string{"ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE",
		"CLUSTER_ACTION", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE"}
	Permissions = []string{"ALLOW", "DENY"}
)

func (p *parser) customACLs(n *yaml.Node, what string, dst map[string]map[string]*CustomACL) {
	p.entries(n, what, func(ok, ov *yaml.Node) {
		acls := map[string]*CustomACL{}
		dst[ok.Value] = acls
		p.entries(ov, what+"."+ok.Value, func(k, v *yaml.Node) {
			aw := what + "." + ok.Value + "." + k.Value
			a := &CustomACL{Pos: p.pos(k)}
			enum := func(dst *string, key string, allowed []string) func(*yaml.Node) {
				return func(v *yaml.Node) {
					s := strings.ToUpper(p.str(v, aw+"."+key))
					if s != "" && !slices.Contains(allowed, s) {
						p.errorf(v, "%s.%s: %q is not one of %s", aw, key, v.Value, strings.Join(allowed, ", "))
					}
					*dst = s
				}
			}
			seen := map[string]bool{}
			handlers := map[string]func(*yaml.Node){
				"name":       func(v *yaml.Node) { a.Name = p.str(v, aw+".name") },
				"type":       enum(&a.Type, "type", ResourceTypes),
				"pattern":    enum(&a.Pattern, "pattern", PatternTypes),
				"host":       func(v *yaml.Node) { a.Host = p.str(v, aw+".host") },
				"principal":  func(v *yaml.Node) { a.Principal = p.principal(v, aw+".principal") },
				"operation":  enum(&a.Operation, "operation", Operations),
				"permission": enum(&a.Permission, "permission", Permissions),
			}
			for key, h := range handlers {
				handlers[key] = func(v *yaml.Node) { seen[key] = true; h(v) }
			}
			p.fields(v, aw, handlers)
			for _, key := range []string{"name", "type", "pattern", "host", "operation", "permission"} {
				if !seen[key] {
					p.errorf(k, "%s: missing %s", aw, key)
				}
			}
			acls[k.Value] = a
		})
	})
}

func (p *parser) subjects(n *yaml.Node) {
	p.entries(n, "subjects", func(k, v *yaml.Node) {
		what := "subjects." + k.Value
		s := &Subject{Pos: p.pos(k)}
		p.fields(v, what, map[string]func(*yaml.Node){
			"compatibility": func(v *yaml.Node) {
				s.Compatibility = strings.ToUpper(p.str(v, what+".compatibility"))
				if s.Compatibility != "" && !slices.Contains(Levels, s.Compatibility) {
					p.errorf(v, "%s.compatibility: %q is not a compatibility level; use %s", what, v.Value, strings.Join(Levels, ", "))
				}
			},
		})
		p.st.Subjects[k.Value] = s
	})
}

// Levels are the Schema Registry's compatibility levels.
var Levels = []string{"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"}
