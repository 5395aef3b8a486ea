//! Extraction through the whole pipeline with the built-in catalog, on a fixture note we wrote.

use crate::util::Dir;

const NOTE: &str = "\
Study notes

AWS CodeDeploy -
 - installs the build on the target servers; the revision is stored in S3.
 - deployments to EC2 instances or Lambda functions.
 - the hooks run in order, I think ?

Amazon Kinesis
 - Kinesis Data Streams holds records in shards for a day by default and lets many consumers
   read them, while Route 53 answers DNS queries, and Amazon SQS keeps messages in a queue for
   the workers that poll it, and many other things happen in this long paragraph.
 - IMPORTANT: know the shard limits

eb create my-env
see https://s3.amazonaws.com/bucket/config.yml and arn:aws:s3:::bucket
";

#[test]
fn fixture_note_gives_nodes_edges_and_markers() {
    let dir = Dir::new();
    dir.create("notes.txt", NOTE);
    let compiled = cloudatlas::compile(dir.path()).unwrap();
    let json = compiled.to_json(false);
    let ids: Vec<&str> = json.nodes.iter().map(|n| n.id.as_str()).collect();
    for want in [
        "codedeploy",
        "s3",
        "ec2",
        "lambda",
        "kinesis",
        "route53",
        "sqs",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    // `eb create` is the EB CLI, not Elastic Beanstalk.
    assert!(!ids.contains(&"elastic-beanstalk"), "{ids:?}");
    // S3 is mentioned once: not in the URL or the ARN.
    let s3 = json.nodes.iter().find(|n| n.id == "s3").unwrap();
    assert_eq!(s3.mentions, 1);

    let link = |a: &str, b: &str| {
        json.links
            .iter()
            .find(|l| (l.source == a && l.target == b) || (l.source == b && l.target == a))
    };
    let stores = link("codedeploy", "s3").expect("codedeploy ~ s3");
    assert!(
        stores
            .evidence
            .iter()
            .any(|e| e.file == "notes.txt" && e.line == 4),
        "{stores:?}"
    );
    let deploys = link("codedeploy", "lambda").expect("codedeploy ~ lambda");
    assert_eq!(deploys.kind, "deploys_to");
    assert!(deploys.evidence.iter().any(|e| e.line == 5));
    // Named in the same long paragraph is not a relation.
    assert!(link("route53", "sqs").is_none());
    assert!(link("kinesis", "route53").is_none());

    let markers: Vec<(String, u32)> = json
        .sections
        .iter()
        .flat_map(|s| s.markers.iter().map(|m| (m.kind.clone(), m.line)))
        .collect();
    assert!(
        markers.contains(&("uncertain".to_owned(), 6)),
        "{markers:?}"
    );
    assert!(
        markers.contains(&("important".to_owned(), 12)),
        "{markers:?}"
    );
}

#[test]
fn markdown_folder_one_file_per_service() {
    let dir = Dir::new();
    let files = [
        (
            "s3.md",
            "---\ntitle: S3\n---\n# Amazon S3\n\nBuckets; replicate to another region.\n",
            "s3",
        ),
        (
            "lambda.md",
            "# AWS Lambda\n\nFunctions triggered by API Gateway.\n",
            "lambda",
        ),
        (
            "r53.md",
            "# Route 53\n\nDNS with weighted routing.\n",
            "route53",
        ),
        ("ddb.md", "# DynamoDB\n\nGlobal tables.\n", "dynamodb"),
    ];
    for (name, text, _) in files {
        dir.create(name, text);
    }
    let compiled = cloudatlas::compile(dir.path()).unwrap();
    let json = compiled.to_json(false);
    assert!(json.warnings.is_empty(), "{:?}", json.warnings);
    for (name, _, main) in files {
        assert!(
            json.nodes.iter().any(|n| n.id == main),
            "{main} is not a node"
        );
        assert!(
            json.sections
                .iter()
                .any(|s| s.file == name && s.mentions.iter().any(|m| m == main)),
            "{main} not mentioned in {name}"
        );
    }
    let triggers = json
        .links
        .iter()
        .find(|l| l.source == "api-gateway" && l.target == "lambda" && l.kind == "triggers")
        .expect("API Gateway triggers Lambda");
    assert!(
        triggers
            .evidence
            .iter()
            .any(|e| e.file == "lambda.md" && e.line == 3)
    );
}
