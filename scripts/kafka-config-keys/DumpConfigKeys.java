// Prints every broker/controller configuration key Kafka itself defines, as JSON,
// one key per line: type, default, validator (text and, where Kafka's validator
// is a range or a fixed choice, its bounds or choices), and whether the key
// belongs to the KRaft controller side. Run through refresh.sh, which puts the
// jars of one Kafka version on the class path.
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;

public class DumpConfigKeys {
  // Where the controller-side definitions live; the package moved between 4.x releases, so every candidate is tried.
  static final String[] CONTROLLER_DEFS = {
    "org.apache.kafka.raft.KRaftConfigs",
    "org.apache.kafka.server.config.KRaftConfigs",
    "org.apache.kafka.raft.QuorumConfig",
    "org.apache.kafka.raft.MetadataLogConfig",
    "org.apache.kafka.server.config.MetadataLogConfig",
  };

  public static void main(String[] args) throws Exception {
    ConfigDef all = (ConfigDef) Class.forName("org.apache.kafka.server.config.AbstractKafkaConfig").getField("CONFIG_DEF").get(null);
    Set<String> controller = new HashSet<>();
    for (String name : CONTROLLER_DEFS) {
      try {
        controller.addAll(((ConfigDef) Class.forName(name).getField("CONFIG_DEF").get(null)).names());
      } catch (ClassNotFoundException | NoSuchFieldException absent) {
        // Not in this version.
      }
    }
    // A broker default of a topic setting (log.retention.ms -> retention.ms) becomes the value of every topic
    // without its own; the topic key's validator is the one that refuses it, so it is recorded where the broker key has none.
    Map<String, String> topicOf = new TreeMap<>();
    @SuppressWarnings("unchecked")
    Map<String, String> synonyms = (Map<String, String>) Class.forName("org.apache.kafka.server.config.ServerTopicConfigSynonyms").getField("TOPIC_CONFIG_SYNONYMS").get(null);
    for (Map.Entry<String, String> s : synonyms.entrySet()) topicOf.put(s.getValue(), s.getKey());
    @SuppressWarnings("unchecked")
    Map<String, ConfigDef.ConfigKey> topicKeys = (Map<String, ConfigDef.ConfigKey>) Class.forName("org.apache.kafka.storage.internals.log.LogConfig").getMethod("configKeys").invoke(null);
    StringBuilder out = new StringBuilder();
    out.append("{\"kafka\":").append(json(args[0])).append(",\"keys\":{");
    String sep = "\n";
    for (Map.Entry<String, ConfigDef.ConfigKey> e : new TreeMap<>(all.configKeys()).entrySet()) {
      ConfigDef.ConfigKey key = e.getValue();
      out.append(sep).append(json(e.getKey())).append(":{\"type\":").append(json(key.type.name().toLowerCase()));
      sep = ",\n";
      if (key.hasDefault()) {
        Object d = key.defaultValue;
        String text = d == null ? null : key.type == ConfigDef.Type.PASSWORD ? "[hidden]" : ConfigDef.convertToString(d, key.type);
        out.append(",\"default\":").append(text == null ? "null" : json(text));
      }
      String topic = topicOf.get(e.getKey());
      ConfigDef.ConfigKey topicKey = topic == null ? null : topicKeys.get(topic);
      if (topic != null) out.append(",\"topic\":").append(json(topic));
      if (key.validator != null) {
        out.append(",\"validator\":").append(json(String.valueOf(key.validator)));
        describe(key.validator, out);
      } else if (topicKey != null && topicKey.validator != null) {
        out.append(",\"validator\":").append(json(String.valueOf(topicKey.validator))).append(",\"validatorOf\":\"topic\"");
        describe(topicKey.validator, out);
      }
      if (controller.contains(e.getKey())) out.append(",\"controller\":true");
      if (key.internalConfig) out.append(",\"internal\":true");
      out.append("}");
    }
    out.append("\n}}\n");
    System.out.print(out);
  }

  /** Bounds of a Range, choices of a ValidString / CaseInsensitiveValidString, and the same inside a ValidList. */
  static void describe(ConfigDef.Validator v, StringBuilder out) throws Exception {
    if (v instanceof ConfigDef.Range) {
      Object min = field(v, "min"), max = field(v, "max");
      if (min != null) out.append(",\"min\":").append(min);
      if (max != null) out.append(",\"max\":").append(max);
    } else if (v instanceof ConfigDef.ValidString) {
      out.append(",\"in\":").append(jsonList((Collection<?>) field(v, "validStrings")));
    } else if (v instanceof ConfigDef.CaseInsensitiveValidString) {
      List<String> sorted = new ArrayList<>();
      for (Object s : (Collection<?>) field(v, "validStrings")) sorted.add(String.valueOf(s));
      sorted.sort(null);
      out.append(",\"in\":").append(jsonList(sorted)).append(",\"caseInsensitive\":true");
    } else if (v instanceof ConfigDef.ValidList) {
      out.append(",\"list\":true");
      Object inner = field(v, "validString");
      if (inner != null) out.append(",\"in\":").append(jsonList((Collection<?>) field(inner, "validStrings")));
      Object emptyAllowed = optionalField(v, "isEmptyAllowed");
      if (Boolean.FALSE.equals(emptyAllowed)) out.append(",\"nonEmpty\":true");
    }
  }

  static Object field(Object o, String name) throws Exception {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  static Object optionalField(Object o, String name) throws Exception {
    try {
      return field(o, name);
    } catch (NoSuchFieldException absent) {
      return null;
    }
  }

  static String jsonList(Collection<?> items) {
    StringBuilder b = new StringBuilder("[");
    for (Object s : items) b.append(b.length() > 1 ? "," : "").append(json(String.valueOf(s)));
    return b.append("]").toString();
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
