// dataset_introducers_and_users: for each introduced dataset (or one), the papers that introduce it and the papers that use it (used_by is null while no paper uses it).
// param dataset: name = ""
// Every dataset when the parameter is empty (the scan runs only then), else the one(s) its key names.
CALL () {
  WITH $dataset AS given WHERE given = ''
  MATCH (d:Dataset)
  RETURN d
  UNION
  MATCH (k_dataset:NameKey {key: $dataset_key})-[:NAMES]->(d:Dataset) USING INDEX k_dataset:NameKey(key)
  RETURN d
}
MATCH (i:Paper)-[:INTRODUCES]->(d)
OPTIONAL MATCH (u:Paper)-[:USES]->(d)
RETURN d.name AS dataset, i.title AS introduced_by, u.title AS used_by
ORDER BY dataset, introduced_by, used_by
