module gimlet.test/oracle/yaml11

go 1.22

require sigs.k8s.io/yaml v1.4.0
