"""Word lists the grounding relies on: technologies, well-known organisations, spoken languages."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` (keeps long word lists readable)."""
    return frozenset(text.split())


# Technologies and skills a small model likes to claim. Any of these in model text that the resume
# does not mention is treated as invented. Lower case; multi-word terms are matched as phrases.
TECHNOLOGIES = word_set(
    """
    python java javascript go typescript kotlin scala c c++ c# f# golang rust ruby php perl swift
    objective-c haskell erlang elixir clojure lua dart r matlab julia fortran cobol pascal delphi
    groovy ocaml lisp scheme prolog assembly bash zsh powershell shell sql nosql graphql solidity
    verilog vhdl html css sass scss less tailwind bootstrap jquery react angular angularjs vue vue.js
    svelte next.js nextjs nuxt ember backbone redux webpack vite babel node node.js nodejs deno bun
    express express.js nestjs django flask fastapi pyramid tornado rails laravel symfony spring
    spring boot hibernate struts asp.net .net dotnet blazor xamarin flutter ionic cordova electron
    qt gtk unity unreal godot opengl vulkan directx metal cuda opencl webgl three.js d3 d3.js
    numpy pandas scipy matplotlib seaborn plotly jupyter scikit-learn sklearn tensorflow keras
    pytorch jax xgboost lightgbm huggingface transformers langchain llamaindex openai spacy nltk
    opencv ros ros2 gazebo moveit slam arduino raspberry pi fpga plc simulink labview autocad
    solidworks catia ansys mysql postgresql postgres sqlite oracle mariadb mongodb redis cassandra
    couchdb dynamodb elasticsearch opensearch neo4j influxdb clickhouse snowflake bigquery redshift
    databricks hadoop spark pyspark hive kafka rabbitmq zeromq mqtt grpc protobuf rest soap
    airflow dbt luigi flink beam docker podman kubernetes k8s helm terraform pulumi ansible chef
    puppet vagrant packer jenkins travis circleci gitlab github bitbucket git svn mercurial
    aws azure gcp google cloud heroku netlify vercel cloudflare digitalocean openstack linux unix
    windows macos ios android ubuntu debian centos fedora freebsd nginx apache tomcat iis
    prometheus grafana datadog splunk kibana logstash sentry new relic jira confluence trello
    notion slack figma sketch photoshop illustrator indesign premiere blender maya tableau power bi
    looker excel sap salesforce servicenow shopify wordpress drupal magento stripe twilio
    firebase supabase auth0 oauth jwt saml ldap kerberos webassembly wasm webrtc websockets
    selenium cypress playwright puppeteer jest mocha pytest junit testng cucumber postman swagger
    openapi llvm gcc clang cmake make bazel gradle maven npm yarn pip conda poetry
    machine learning deep learning computer vision natural language processing nlp data science
    reinforcement learning artificial intelligence ai ml llm llms blockchain ethereum bitcoin
    devops mlops sre microservices serverless embedded iot cybersecurity penetration testing
    kanban scrum agile six sigma pmp itil togaf cissp ccna comptia
    """
) | frozenset(
    (
        "spring boot",
        "google cloud",
        "raspberry pi",
        "new relic",
        "power bi",
        "machine learning",
        "deep learning",
        "computer vision",
        "natural language processing",
        "data science",
        "reinforcement learning",
        "artificial intelligence",
        "penetration testing",
        "six sigma",
        "ruby on rails",
        "react native",
        "objective c",
        "visual basic",
        "amazon web services",
        "microsoft azure",
        "sql server",
        "ms sql",
        "big data",
    )
)

# Single words in TECHNOLOGIES that are also ordinary English or were split from phrases above;
# they only count as a technology when capitalised or part of a phrase.
AMBIGUOUS_TECH_WORDS = word_set(
    """c r go make rest less sketch metal spring chef puppet express beam notion slack swift
    rust ruby scheme pascal julia dart maya unity spark hive flink pip bun shell excel ember
    backbone cloud google pi raspberry new relic power bi machine deep learning computer vision
    natural language processing data science reinforcement artificial intelligence penetration
    testing six sigma big sql server ms amazon web services microsoft visual basic objective
    agile scrum kanban"""
)

# Employers and schools a small model names out of thin air.
ORGANISATIONS = word_set(
    """google alphabet microsoft amazon apple meta facebook instagram whatsapp netflix ibm oracle
    intel amd nvidia qualcomm arm tesla spacex uber lyft airbnb twitter linkedin salesforce adobe
    cisco sap siemens bosch samsung sony lg huawei xiaomi alibaba tencent baidu bytedance tiktok
    spotify shopify stripe paypal visa mastercard dropbox atlassian slack zoom openai anthropic
    deepmind accenture deloitte pwc kpmg mckinsey bcg bain capgemini infosys wipro tcs cognizant
    boeing airbus lockheed nasa esa cern volkswagen bmw mercedes toyota honda ford gm philips
    ericsson nokia vodafone verizon at&t dell hp lenovo harvard stanford mit oxford cambridge
    berkeley caltech princeton yale columbia cornell eth epfl"""
)

SPOKEN_LANGUAGES = word_set(
    """english french german spanish italian portuguese dutch swedish norwegian danish finnish
    icelandic polish czech slovak hungarian romanian bulgarian greek turkish russian ukrainian
    serbian croatian slovenian arabic hebrew persian farsi hindi urdu bengali punjabi tamil telugu
    marathi gujarati chinese mandarin cantonese japanese korean vietnamese thai indonesian malay
    tagalog filipino swahili amharic yoruba zulu afrikaans catalan basque galician irish welsh
    latin esperanto estonian latvian lithuanian"""
)

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBREVIATIONS = (*(month[:3] for month in MONTHS), "sept")

# Everyday English words: never "corrected" as typos, never taken for names, and allowed to start
# a sentence with a capital in model text.
COMMON_WORDS = word_set(
    """a about above across actually add after again against all almost also although always am
    among an and another any anyone anything are around as ask asked at away back be because become
    been before began begin being best better between big both bring build building built but by
    call came can care career case change clear close come comes coming could current currently
    day days deal did different do does doing done down during each early easy either else end
    enjoy enjoys enough even ever every everyone example experience experienced fact far feel few
    find first focus for found from full gave get gets getting give given go goes going good got
    great group grow had happy hard has have having he help helped helps her here high him his
    hold how however i if important in including into is it its job just keep kind know known
    large last later lead leads learn learned learning least less let life like likes little long
    look lot love made main make makes making many may me mean means might more most much must my
    need never new next nice no not nothing now of off often old on once one only open or other
    our out over own part people person place plan play point possible previous previously
    probably problem problems project projects proud put quite rather real really recent recently
    right role run same say see seem seems set several she should show side since small so solve
    some someone something sometimes soon start started still strong such sure take team teams
    tell than thank thanks that the their them then there these they thing things think this
    those though through time to today together too took toward try trying two under until up us
    use used uses using very want wants was way ways we well went were what when where whether
    which while who whole why will with within without work worked working works would write year
    years yes yet you your yourself also great good thank hello hi hey please sorry okay ok sure
    absolutely certainly definitely indeed overall currently additionally furthermore moreover
    however finally first second third then next yes no well so here there this that these those
    my our his her their its in on at for with as by from one two three four five six seven eight
    nine ten twenty hundred"""
)
