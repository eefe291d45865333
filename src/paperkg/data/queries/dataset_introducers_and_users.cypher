// dataset_introducers_and_users: for each introduced dataset (or one), the papers that introduce it and the papers that use it (used_by is null while no paper uses it).
// param dataset: str = ""
MATCH (d:Dataset)
WHERE $dataset = ''
   OR toLower(d.name) = toLower($dataset)
   OR any(a IN coalesce(d.aliases, []) WHERE toLower(a) = toLower($dataset))
MATCH (i:Paper)-[:INTRODUCES]->(d)
OPTIONAL MATCH (u:Paper)-[:USES]->(d)
RETURN d.name AS dataset, i.title AS introduced_by, u.title AS used_by
ORDER BY dataset, introduced_by, used_by
