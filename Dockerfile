FROM rayproject/ray:2.60.0-py311
# raybench on the image of the Ray version it pins (ray[data,default]==2.60.0, Python 3.11).
#   docker build -t raybench:latest .        (the image cluster/kuberay-*.yaml name)
#   docker run --rm -p 8265:8265 -p 8000:8000 raybench:latest raybench run scenarios/smoke.yaml
# Ports, for Prometheus and for people (docs/deployment.md):
#   6379  Ray GCS (head)               8265  Ray dashboard and Jobs API
#   10001 Ray Client                   8080  Ray's metrics agent (ray start --metrics-export-port=8080)
#   8000  raybench service: /v1, /metrics (Prometheus, job raybench-service), /dashboard
USER ray
WORKDIR /home/ray/raybench
COPY --chown=ray:users pyproject.toml README.md ./
COPY --chown=ray:users raybench ./raybench
COPY --chown=ray:users scenarios ./scenarios
COPY --chown=ray:users cluster ./cluster
RUN pip install --no-cache-dir . && raybench --help > /dev/null
EXPOSE 6379 8265 10001 8080 8000
ENV RAYBENCH_CACHE=/home/ray/.cache/raybench
CMD ["raybench", "--help"]
